#!/usr/bin/env bash
# Builds the Helm 3 CLI from the Go module proxy into $COCO_CACHE_DIR/bin/helm (default
# ~/.cache/coco-conformance/bin/helm). From CoCo v0.18 the release installs with `helm install` of its chart; the
# control run executes that install for real against the local API server (with the chart double,
# lib/install-doubles/), and the self-tests render and lint the double with it. Cached: when the binary
# reports $HELM_VERSION the script only prints its path. Prints the binary path as its last line.
set -euo pipefail

HELM_VERSION=${HELM_VERSION:-v3.22.0}
# shellcheck source=scripts/setup/cached-go-tool.sh
source "$(dirname "$0")/cached-go-tool.sh"
tool_init helm
helm_version() { "$target" version --template '{{.Version}}'; }
tool_cached "$HELM_VERSION" helm_version
tool_staging
tool_require_go "helm.sh/helm/v3@$HELM_VERSION"
step "building helm.sh/helm/v3/cmd/helm@$HELM_VERSION; this takes a few minutes on a small machine"
# helm's own Makefile stamps the version the same way; without it `helm version` says only the minor.
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GOBIN="$staging" \
  go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
[ "$("$staging/helm" version --template '{{.Version}}')" = "$HELM_VERSION" ] \
  || { echo "failed to build helm: the binary does not report $HELM_VERSION" >&2; exit 1; }
tool_install "$HELM_VERSION"
