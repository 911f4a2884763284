#!/usr/bin/env bash
# Builds actionlint (the static checker for GitHub Actions workflows) from the Go module proxy into
# $COCO_CACHE_DIR/bin/actionlint (default ~/.cache/coco-conformance/bin/actionlint). CI lints the example
# workflows under examples/github-actions/ with it, so a workflow users copy is checked before they run it.
# Cached: when the binary already reports $ACTIONLINT_VERSION the script only prints its path (seconds).
# Idempotent: builds into a temporary folder and renames the binary into place. Prints the binary path last.
set -euo pipefail

ACTIONLINT_VERSION=${ACTIONLINT_VERSION:-v1.7.12}
# shellcheck source=scripts/setup/cached-go-tool.sh
source "$(dirname "$0")/cached-go-tool.sh"
tool_init actionlint
actionlint_version() { "$target" -version | head -n 1; }
# `actionlint -version` prints the module version it was built from on its first line.
tool_cached "$ACTIONLINT_VERSION" actionlint_version
tool_staging
tool_require_go "github.com/rhysd/actionlint@$ACTIONLINT_VERSION"
step "building github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local GOBIN="$staging" \
  go install -trimpath -ldflags "-s -w" "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2

# Refuse to install a binary that cannot tell a broken workflow from a sound one.
sound=$'on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n'
broken=$'on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_context_key }}\n'
printf '%s' "$sound" | "$staging/actionlint" -shellcheck= -pyflakes= - >/dev/null \
  || { echo "failed to build actionlint: $ACTIONLINT_VERSION rejects a sound workflow" >&2; exit 1; }
if printf '%s' "$broken" | "$staging/actionlint" -shellcheck= -pyflakes= - >/dev/null 2>&1; then
  echo "failed to build actionlint: $ACTIONLINT_VERSION accepts a workflow with an unknown context key" >&2; exit 1
fi
tool_install "$ACTIONLINT_VERSION"
