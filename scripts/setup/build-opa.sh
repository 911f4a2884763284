#!/usr/bin/env bash
# Builds the Open Policy Agent CLI from the Go module proxy into $COCO_CACHE_DIR/bin/opa (default
# ~/.cache/coco-conformance/bin/opa): an independent Rego implementation (trustee evaluates with regorus) that the
# self-tests use to evaluate the resource policies the suites set, in the release's dialect (`--v0-compatible` for
# the `allow { … }` rules of trustee before regorus 0.5). Cached: when the binary reports $OPA_VERSION the script
# only prints its path. Prints the binary path as its last line.
set -euo pipefail

OPA_VERSION=${OPA_VERSION:-v1.22.3}
# shellcheck source=scripts/setup/cached-go-tool.sh
source "$(dirname "$0")/cached-go-tool.sh"
tool_init opa
opa_version() { echo "v$("$target" version | sed -n 's/^Version: //p')"; }
tool_cached "$OPA_VERSION" opa_version
tool_staging
tool_require_go "github.com/open-policy-agent/opa@$OPA_VERSION"
step "building github.com/open-policy-agent/opa@$OPA_VERSION; this takes a few minutes on a small machine"
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GOBIN="$staging" \
  go install -trimpath -ldflags "-s -w" "github.com/open-policy-agent/opa@$OPA_VERSION" >&2
"$staging/opa" eval --v0-compatible --format raw 'true' >/dev/null \
  || { echo "failed to build opa: $OPA_VERSION cannot evaluate v0 Rego" >&2; exit 1; }
tool_install "$OPA_VERSION"
