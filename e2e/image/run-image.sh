#!/usr/bin/env bash
# Runs the built image without a daemon, the way the pods run it: user 10001,
# read-only root filesystem, no capabilities, no service-account token, only
# /tmp writable, on this machine's network (so it can reach the test servers on
# loopback). usage: run-image.sh IMAGE [ARGS...]   e.g. run-image.sh NAME --help
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/buildah.sh"
image="${1:?usage: $0 IMAGE [ARGS...]}"
shift

ctr="$(bah from --quiet --pull-never "$image")"
bundle="$(mktemp -d "${TMPDIR:-/tmp}/metachat-run.XXXXXX")"
id="metachat-run-$$"
cleanup() {
  runc delete --force "$id" >/dev/null 2>&1 || true
  bah rm "$ctr" >/dev/null 2>&1 || true
  rm -rf "$bundle"
}
trap cleanup EXIT
rootfs="$(bah mount "$ctr")"

# The image's own entry point, working directory and environment, plus what the
# caller adds as METACHAT_RUN_ENV ("A=1 B=2").
config="$(bah inspect --type image "$image" | jq .OCIv1.config)"
(cd "$bundle" && runc spec)
args="$(if (($#)); then printf '%s\n' "$@"; fi | jq -R . | jq -s .)"
jq --arg rootfs "$rootfs" --argjson image "$config" --argjson args "$args" '
  .root = { path: $rootfs, readonly: true }
  | .process.terminal = false
  | .process.args = ($image.Entrypoint + (if $args == [] then ($image.Cmd // []) else $args end))
  | .process.cwd = ($image.WorkingDir // "/")
  | .process.env = ($image.Env + (env.METACHAT_RUN_ENV // "" | split(" ") | map(select(. != ""))))
  | .process.user = { uid: ($image.User | tonumber), gid: ($image.User | tonumber) }
  | .process.capabilities = { bounding: [], effective: [], permitted: [], ambient: [] }
  | .process.noNewPrivileges = true
  | .linux.namespaces |= map(select(.type != "network"))
  | .mounts += [{ destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"] }]
' "$bundle/config.json" >"$bundle/config.next"
mv "$bundle/config.next" "$bundle/config.json"
runc run --bundle "$bundle" "$id"
