#!/usr/bin/env bash
# Builds kind from the Go module proxy into $COCO_CACHE_DIR/bin/kind (default ~/.cache/coco-conformance/bin/kind),
# at the KIND_VERSION of scripts/bundle/versions.env. The kind provider creates its clusters with it, on the node
# image scripts/setup/build-kind-node.sh makes. Cached: when the binary reports that version the script only prints
# its path. Prints the binary path as its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/bundle/versions.env
source "$here/../bundle/versions.env"
# shellcheck source=scripts/setup/cached-go-tool.sh
source "$here/cached-go-tool.sh"
tool_init kind
kind_version() { "$target" version -q; }
tool_cached "${KIND_VERSION#v}" kind_version
tool_staging
step "building sigs.k8s.io/kind@$KIND_VERSION"
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GOBIN="$staging" \
  go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@$KIND_VERSION" >&2
[ "$("$staging/kind" version -q)" = "${KIND_VERSION#v}" ] \
  || { echo "failed to build kind: the binary does not report $KIND_VERSION" >&2; exit 1; }
tool_install "$KIND_VERSION"
