#!/usr/bin/env bash
# Builds the real servers MetaChat's tests and `make dev` run (kube-apiserver,
# kube-controller-manager, kubectl, etcd, FerretDB, nats-server) and helm from the Go
# modules under e2e/testenv/go into a cache outside the repo. The cache key is
# a hash of each module's files, so a cached build is reused until the module
# changes. Quiet when everything is cached; prints the bin directory last.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${METACHAT_CACHE_DIR:-$HOME/.cache/metachat}/servers"
export GOFLAGS="${GOFLAGS:--buildvcs=false}" CGO_ENABLED="${CGO_ENABLED:-0}"

key_of() { # module dir -> short content hash of its Go files
  (cd "$1" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) -print0 |
    sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
}

# build MODULE OUTDIR LDFLAGS PACKAGE...
build() {
  local module="$1" out="$2" ldflags="$3"; shift 3
  if [[ -f "$out/.complete" ]]; then return 0; fi
  mkdir -p "$cache"
  exec 9>"$out.lock"
  flock 9 # another run may be building the same thing: wait for it
  if [[ -f "$out/.complete" ]]; then exec 9>&-; return 0; fi
  echo "building $(basename "$out") (cold builds take minutes; cached afterwards in $cache)" >&2
  local tmp="$out.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$here/go/$module" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" "$@")
  rm -rf "$out" && mv "$tmp" "$out" && touch "$out/.complete"
  exec 9>&-
}

k8s_version=v1.34.4
k8s_ldflags="-s -w"
for v in gitVersion=$k8s_version gitMajor=1 gitMinor=34 gitTreeState=clean; do
  k8s_ldflags+=" -X k8s.io/component-base/version.$v -X k8s.io/client-go/pkg/version.$v"
done

kube_out="$cache/kube-$k8s_version-$(key_of "$here/go/kube")"
ferret_out="$cache/ferretdb-v1.24.0-$(key_of "$here/go/ferretdb")"
nats_out="$cache/nats-v2.12.15-$(key_of "$here/go/nats")"
helm_out="$cache/helm-v3.19.2-$(key_of "$here/go/helm")"
lua_out="$cache/lua-health-$(key_of "$here/go/lua")"

what="${1:-all}"
case "$what" in
  all|kube) build kube "$kube_out" "$k8s_ldflags" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kubectl ./cmd/etcd ;;&
  all|ferretdb) build ferretdb "$ferret_out" "-s -w" . ;;&
  all|nats) build nats "$nats_out" "-s -w" github.com/nats-io/nats-server/v2 ;;&
  all|helm) build helm "$helm_out" "-s -w -X helm.sh/helm/v3/internal/version.version=v3.19.2" helm.sh/helm/v3/cmd/helm ;;&
  all|lua) build lua "$lua_out" "-s -w" . ;;&
  all|kube|ferretdb|nats|helm|lua) ;;
  *) echo "usage: $0 [all|kube|ferretdb|nats|helm|lua]" >&2; exit 2 ;;
esac

# One directory of links so callers need a single path.
bin="$cache/bin"
mkdir -p "$bin"
for dir in "$kube_out" "$ferret_out" "$nats_out" "$helm_out" "$lua_out"; do
  [[ -f "$dir/.complete" ]] || continue
  for f in "$dir"/*; do ln -sfn "$f" "$bin/$(basename "$f")"; done
done
echo "$bin"
