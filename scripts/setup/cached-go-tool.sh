# Sourced by the build-<tool>.sh scripts: the one way a tool built from the Go module proxy is cached under
# ${COCO_CACHE_DIR:-~/.cache/coco-conformance}/bin and installed (built into a staging folder, checked, then renamed
# into place, so a half-built binary is never taken for a cached one). Each script prints the binary path last.
#
#   tool_init NAME             sets $target (the cached binary), $bin_dir and step() for progress on stderr
#   tool_cached VERSION CMD…   exits 0 after printing $target when `CMD…` (run on $target) prints VERSION; with
#                              COCO_TOOL_LOOKUP=1 (a lookup that never builds: doctor) exits 3 otherwise, saying why
#   tool_staging               needs go on PATH; makes $staging, removed on exit
#   tool_require_go MODULE@V   stops, in one line, when this go is older than the module's go.mod asks for
#   tool_install VERSION       moves $staging/NAME to $target and prints its path

tool_init() {
  tool_name=$1
  cache=${COCO_CACHE_DIR:-$HOME/.cache/coco-conformance}
  bin_dir="$cache/bin"
  target="$bin_dir/$tool_name"
  tool_started=$(date +%s)
}

step() { printf '[build-%s +%ss] %s\n' "$tool_name" "$(( $(date +%s) - tool_started ))" "$*" >&2; }

tool_cached() {
  local version=$1; shift
  if [ -x "$target" ] && [ "$("$@" 2>/dev/null)" = "$version" ]; then
    step "$tool_name $version cached"
    echo "$target"
    exit 0
  fi
  if [ "${COCO_TOOL_LOOKUP:-}" = 1 ]; then
    if [ -x "$target" ]; then
      echo "$target is not $tool_name $version (it reports: $("$@" 2>&1 | head -1))" >&2
    else
      echo "$target is absent" >&2
    fi
    exit 3
  fi
}

tool_staging() {
  command -v go >/dev/null || { echo "failed to build $tool_name: go is not on PATH" >&2; exit 1; }
  mkdir -p "$bin_dir"
  staging=$(mktemp -d "$bin_dir/.$tool_name-build.XXXXXX")
  trap 'rm -rf "$staging"' EXIT
}

# The builds run with GOTOOLCHAIN=local (no toolchain is downloaded), so a go older than the module's `go` line fails
# only after minutes of downloads, deep in a compiler message. Distributions' Go lags: Ubuntu 24.04's golang-go is
# 1.22 (packages.ubuntu.com noble golang-go 2:1.22~2build1), Debian 12's 1.19; helm v3.22.0 asks for go 1.26.0.
tool_require_go() {
  local module=$1 gomod need have
  gomod=$(GOTOOLCHAIN=local go mod download -json "$module" | sed -n 's/^\s*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  need=$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' "$gomod" | head -1)
  have=$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')
  if [ -n "$need" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
    echo "failed to build $tool_name: $module needs go >= $need (its go.mod); the go on PATH ($(command -v go)) is $have: put a newer Go first on PATH" >&2
    exit 1
  fi
}

tool_install() {
  mv -f "$staging/$tool_name" "$target"
  step "built $tool_name $1"
  echo "$target"
}
