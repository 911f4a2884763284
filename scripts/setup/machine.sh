#!/usr/bin/env bash
# Installs everything this harness needs on a fresh Debian 12 runner, idempotently:
# Debian packages, npm packages, a current skopeo, opa, actionlint, helm and the offline Kubernetes bundle (built from
# the Go module proxy and cached under ~/.cache/coco-conformance). Pass --no-bundle to skip the Kubernetes build.
# --hardware-runner: a TEE runner (Ubuntu 24.04 or Debian 12) whose cluster is its own or kubeadm from packages —
# the packages of scripts/setup/runner-packages.txt only (no containerd, registry or browser), skopeo and helm; no
# offline bundle, no opa or actionlint (those serve the self-tests).
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
say() { printf '[setup +%ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

with_bundle=1
hardware_runner=0
package_list=scripts/setup/apt-packages.txt
for arg in "$@"; do
  case "$arg" in
    --no-bundle) with_bundle=0 ;;
    --hardware-runner) hardware_runner=1; with_bundle=0; package_list=scripts/setup/runner-packages.txt ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

if [ -r /etc/os-release ]; then say "on $(. /etc/os-release; echo "${PRETTY_NAME:-$ID}")"; fi
packages=$(grep -v '^\s*#' "$package_list" | grep -v '^\s*$' | tr '\n' ' ')
missing=$(for p in $packages; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
  say "installing packages: $(echo $missing)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  say "packages present ($package_list)"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund
fi
if ! node bin/build-state.mjs check 2>/dev/null; then
  say "compiling the CLI (npm run build)"
  npm run build --silent
fi

say "skopeo with key-provider support"
bash scripts/setup/build-skopeo.sh >/dev/null
if [ "$hardware_runner" = 0 ]; then
  say "opa (Rego), for the self-tests of the KBS policies"
  bash scripts/setup/build-opa.sh >/dev/null
  say "actionlint, for the example workflows"
  bash scripts/setup/build-actionlint.sh >/dev/null
fi
say "helm, for the v0.18+ installs and the chart double"
bash scripts/setup/build-helm.sh >/dev/null

if [ "$with_bundle" = 1 ]; then
  say "offline Kubernetes bundle"
  bash scripts/bundle/build.sh >/dev/null
fi
say "machine ready"
