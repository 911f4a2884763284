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
cache=${COCO_CACHE_DIR:-$HOME/.cache/coco-conformance}
bin_dir="$cache/bin"
target="$bin_dir/skopeo"
started=$(date +%s)
step() { printf '[build-skopeo +%ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

installed_version() {
  [ -x "$target" ] || return 0
  "$target" --version 2>/dev/null | sed -n 's/^skopeo version \([0-9][0-9.]*\).*/v\1/p'
}

if [ "$(installed_version)" = "$SKOPEO_VERSION" ]; then
  step "skopeo $SKOPEO_VERSION cached"
  echo "$target"
  exit 0
fi

command -v go >/dev/null || { echo "failed to build skopeo: go is not on PATH" >&2; exit 1; }
mkdir -p "$bin_dir"
staging=$(mktemp -d "$bin_dir/.skopeo-build.XXXXXX")
trap 'rm -rf "$staging"' EXIT

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local
tags="containers_image_openpgp exclude_graphdriver_btrfs exclude_graphdriver_devicemapper"
step "building skopeo $SKOPEO_VERSION (tags: $tags); this takes minutes on a small machine"
GOBIN="$staging" go install -trimpath -tags "$tags" -ldflags "-s -w" \
  "github.com/containers/skopeo/cmd/skopeo@$SKOPEO_VERSION" >&2

# Refuse to install a binary that cannot do what it was built for.
"$staging/skopeo" copy --help 2>&1 | grep -q -- '--encryption-key' \
  || { echo "failed to build skopeo: $SKOPEO_VERSION has no --encryption-key" >&2; exit 1; }
mv -f "$staging/skopeo" "$target"
step "built $("$target" --version)"
echo "$target"
