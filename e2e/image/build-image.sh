#!/usr/bin/env bash
# `make image`: builds the root Dockerfile without a Docker daemon or a registry
# (buildah on the vfs driver, FROM a Node 20 base made here by build-base.sh) and
# writes it as an OCI archive, which `ctr -n k8s.io images import` loads.
# usage: build-image.sh OUTPUT.oci.tar IMAGE-NAME
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$here/buildah.sh"
out="${1:?usage: $0 OUTPUT.oci.tar IMAGE-NAME}"
name="${2:?usage: $0 OUTPUT.oci.tar IMAGE-NAME}"

base="$("$here/build-base.sh")"

# The build's `npm ci` uses this machine's registry and trust settings, handed
# in as a global npmrc for the build's RUN steps only (nothing of it lands in the image).
tmp="$(mktemp -d "${TMPDIR:-/tmp}/metachat-image.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mounts=(-v "$tmp/npmrc:/usr/local/etc/npmrc:ro")
echo "registry=$(npm config get registry)" >"$tmp/npmrc"
cafile="$(npm config get cafile)"
if [[ -n $cafile && $cafile != null && $cafile != undefined ]]; then
  echo "cafile=/run/metachat-build-ca.pem" >>"$tmp/npmrc"
  mounts+=(-v "$cafile:/run/metachat-build-ca.pem:ro")
fi

bah bud --quiet --layers --network host --format oci --build-arg "BASE=$base" "${mounts[@]}" \
  -f "$root/Dockerfile" -t "$name" "$root" >/dev/null
mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
bah push --quiet "$name" "oci-archive:$out.tmp:$name"
mv "$out.tmp" "$out"
echo "$out ($name)"
