# Sourced by the image scripts: buildah without a daemon or registry, on the vfs
# driver, with its storage in the cache directory (so `make clean-cache` clears it).
cache="${METACHAT_CACHE_DIR:-$HOME/.cache/metachat}"
storage="$cache/containers"
mkdir -p "$storage"

bah() {
  buildah --storage-driver vfs --root "$storage/storage" --runroot "$storage/run" "$@"
}

# The Debian mirror this machine's apt uses (deb822 or one-line sources).
debian_mirror() {
  local uri
  uri="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  [[ -n $uri ]] || uri="$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}
