#!/usr/bin/env bash
# Installs the system packages MetaChat's tests and `make dev` need and a fresh
# machine may lack. Quiet and quick when everything is present.
set -euo pipefail

missing=()
command -v redis-server >/dev/null || [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
command -v flock >/dev/null || missing+=(util-linux)
# `make image`: daemonless image builds (buildah runs RUN steps with runc) on a base made by debootstrap.
command -v buildah >/dev/null || missing+=(buildah)
command -v runc >/dev/null || [[ -x /usr/sbin/runc ]] || missing+=(runc)
command -v debootstrap >/dev/null || [[ -x /usr/sbin/debootstrap ]] || missing+=(debootstrap)
[[ -x /usr/bin/chromium ]] || missing+=(chromium) # the web app's browser tests

if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need() { # name, check, hint
  if ! eval "$2" >/dev/null 2>&1; then echo "missing: $1 ($3)" >&2; exit 1; fi
}
need "Node.js >= 20.19" 'node -e "const [a,b]=process.versions.node.split(\".\").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)"' "install Node 20 LTS"
need "Go >= 1.24" 'go version' "install Go from the Go toolchain packages"
