#!/usr/bin/env bash
# Builds a current skopeo from the Go module proxy into $COCO_CACHE_DIR/bin/skopeo (default
# ~/.cache/coco-conformance/bin/skopeo). Debian 12's skopeo 1.9.3 carries ocicrypt 1.0.3, which has no key
# providers, so it cannot encrypt with `--encryption-key provider:attestation-agent:…` as CoCo's images are.
# Static (CGO_ENABLED=0) and without gpgme/btrfs/devicemapper, so no C libraries are needed.
# Cached: when the binary already reports $SKOPEO_VERSION the script only prints its path (seconds).
# Idempotent: builds into a temporary file and renames it into place. Prints the binary path as its last line.
set -euo pipefail

# v1.19.0 is the newest release the Go module proxy serves here; its go.mod has no replace directives,
# so `go install module/cmd@version` builds it as released.
SKOPEO_VERSION=${SKOPEO_VERSION:-v1.19.0}
# The checksum database has no entry for skopeo itself through this machine's proxy (lookup answers 404), so
# the module's own hash is pinned here (go mod download's "Sum", recorded when v1.19.0 was first built) and
# checked before building; skopeo's dependencies are still verified by its go.sum and the checksum database.
SKOPEO_SUM_v1_19_0="h1:MiA+kxXGHg47GeHqdqyipNwBOa4OaBxFnFiNiwtcYu0="
# shellcheck source=scripts/setup/cached-go-tool.sh
source "$(dirname "$0")/cached-go-tool.sh"
tool_init skopeo
skopeo_version() { "$target" --version | sed -n 's/^skopeo version \([0-9][0-9.]*\).*/v\1/p'; }
tool_cached "$SKOPEO_VERSION" skopeo_version
tool_staging
tool_require_go "github.com/containers/skopeo@$SKOPEO_VERSION"

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GONOSUMDB=github.com/containers/skopeo
pinned_var="SKOPEO_SUM_${SKOPEO_VERSION//./_}"
pinned=${!pinned_var:-}
step "downloading github.com/containers/skopeo@$SKOPEO_VERSION"
sum=$(go mod download -json "github.com/containers/skopeo@$SKOPEO_VERSION" | sed -n 's/^\s*"Sum": "\(.*\)",\{0,1\}$/\1/p')
if [ -n "$pinned" ] && [ "$sum" != "$pinned" ]; then
  echo "failed to verify skopeo $SKOPEO_VERSION: module hash $sum differs from the pinned $pinned" >&2; exit 1
fi
[ -n "$pinned" ] || step "no pinned hash for $SKOPEO_VERSION; module hash is $sum (pin it in this script)"
tags="containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"
# `go install module/cmd@version` asks the proxy for the module's version list (to report deprecation), which
# this proxy refuses; a small tools module of our own that requires skopeo builds the same release without it.
tools_module="$cache/src/skopeo-$SKOPEO_VERSION"
mkdir -p "$tools_module"
cat > "$tools_module/go.mod" <<GOMOD
module coco-conformance.local/setup/skopeo

go 1.23.3

require github.com/containers/skopeo $SKOPEO_VERSION
GOMOD
cat > "$tools_module/tools.go" <<'GO'
//go:build tools

// Package tools pins the skopeo command this module builds.
package tools

import _ "github.com/containers/skopeo/cmd/skopeo"
GO
step "resolving skopeo's dependencies"
(cd "$tools_module" && go mod tidy >&2)
step "building skopeo $SKOPEO_VERSION (tags: $tags); this takes minutes on a small machine"
(cd "$tools_module" && go build -trimpath -tags "$tags" -ldflags "-s -w" -o "$staging/skopeo" \
  github.com/containers/skopeo/cmd/skopeo >&2)

# Refuse to install a binary that cannot do what it was built for.
"$staging/skopeo" copy --help 2>&1 | grep -q -- '--encryption-key' \
  || { echo "failed to build skopeo: $SKOPEO_VERSION has no --encryption-key" >&2; exit 1; }
tool_install "$SKOPEO_VERSION"
