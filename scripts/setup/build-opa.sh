#!/usr/bin/env bash
# Builds the Open Policy Agent CLI from the Go module proxy into $COCO_CACHE_DIR/bin/opa (default
# ~/.cache/coco-conformance/bin/opa): an independent Rego implementation (trustee evaluates with regorus) that the
# self-tests use to evaluate the resource policies the suites set, in the release's dialect (`--v0-compatible` for
# the `allow { … }` rules of trustee before regorus 0.5). Cached: when the binary reports $OPA_VERSION the script
# only prints its path. Prints the binary path as its last line.
set -euo pipefail

OPA_VERSION=${OPA_VERSION:-v1.22.3}
cache=${COCO_CACHE_DIR:-$HOME/.cache/coco-conformance}
bin_dir="$cache/bin"
target="$bin_dir/opa"
started=$(date +%s)
step() { printf '[build-opa +%ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

if [ -x "$target" ] && [ "v$("$target" version 2>/dev/null | sed -n 's/^Version: //p')" = "$OPA_VERSION" ]; then
  step "opa $OPA_VERSION cached"
  echo "$target"
  exit 0
fi

command -v go >/dev/null || { echo "failed to build opa: go is not on PATH" >&2; exit 1; }
mkdir -p "$bin_dir"
staging=$(mktemp -d "$bin_dir/.opa-build.XXXXXX")
trap 'rm -rf "$staging"' EXIT
step "building github.com/open-policy-agent/opa@$OPA_VERSION; this takes a few minutes on a small machine"
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GOBIN="$staging" \
  go install -trimpath -ldflags "-s -w" "github.com/open-policy-agent/opa@$OPA_VERSION" >&2
"$staging/opa" eval --v0-compatible --format raw 'true' >/dev/null \
  || { echo "failed to build opa: $OPA_VERSION cannot evaluate v0 Rego" >&2; exit 1; }
mv -f "$staging/opa" "$target"
step "built opa $OPA_VERSION"
echo "$target"
