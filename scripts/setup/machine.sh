#!/usr/bin/env bash
# Installs everything this harness needs on a fresh Debian 12 runner, idempotently:
# Debian packages, npm packages, a current skopeo, opa, actionlint, helm, the offline Kubernetes bundle (built from
# the Go module proxy and cached under ~/.cache/coco-conformance), kind and its node image made from that bundle.
# Pass --no-bundle to skip the Kubernetes and kind builds.
# --hardware-runner: a TEE runner (Ubuntu 24.04 or Debian 12) whose cluster is its own or kubeadm from packages —
# the packages of scripts/setup/runner-packages.txt only (no containerd, registry or browser), skopeo and helm; no
# offline bundle, no opa or actionlint (those serve the self-tests).
# --print-plan: print what this machine would get (its OS, the package list, the packages to install) and stop.
# The OS is read from ${COCO_OS_RELEASE:-/etc/os-release} (the self-tests give it another machine's os-release).
# Packages install with apt-get on the Debian family (Debian, Ubuntu: ID or ID_LIKE); "installed" is dpkg's own
# record (dpkg-query), which every Debian-family system has, Ubuntu included. No step depends on a Debian release
# name: the lists name packages that Debian 12 and Ubuntu 24.04 both carry.
set -euo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
say() { printf '[setup +%ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

with_bundle=1
hardware_runner=0
print_plan=0
package_list=scripts/setup/apt-packages.txt
for arg in "$@"; do
  case "$arg" in
    --no-bundle) with_bundle=0 ;;
    --hardware-runner) hardware_runner=1; with_bundle=0; package_list=scripts/setup/runner-packages.txt ;;
    --print-plan) print_plan=1 ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done

os_release=${COCO_OS_RELEASE:-/etc/os-release}
os_field() { [ -r "$os_release" ] && (set +u; . "$os_release"; printf '%s' "${!1:-}"); }
os_id=$(os_field ID); os_like=$(os_field ID_LIKE); os_version=$(os_field VERSION_ID)
os_name=$(os_field PRETTY_NAME); os_name=${os_name:-${os_id:-unknown OS}}
case " $os_id $os_like " in
  *" debian "*|*" ubuntu "*) ;;
  *) echo "setup: $os_name (ID=${os_id:-none} in $os_release) is not a Debian-family system: this setup installs $package_list with apt-get" >&2; exit 2 ;;
esac
say "on $os_name ($os_id $os_version)"
if [ "$hardware_runner" = 1 ] && [ "$os_id $os_version" != "ubuntu 24.04" ] && [ "$os_id $os_version" != "debian 12" ]; then
  say "warning: a hardware runner is set up on Ubuntu 24.04 or Debian 12; $package_list names their packages"
fi
packages=$(grep -v '^\s*#' "$package_list" | grep -v '^\s*$' | tr '\n' ' ')
missing=$(for p in $packages; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"; done)
if [ "$print_plan" = 1 ]; then
  echo "os: $os_name ($os_id $os_version)"
  echo "package list: $package_list"
  echo "packages: $(echo $packages)"
  echo "to install: $(echo ${missing:-nothing})"
  echo "builds: skopeo$([ "$hardware_runner" = 0 ] && echo ', opa, actionlint'), helm$([ "$with_bundle" = 1 ] && echo ', offline Kubernetes bundle, kind and its node image')"
  exit 0
fi
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
  say "kind and its node image, made from the bundle (the kind provider's source: bundle)"
  bash scripts/setup/build-kind.sh >/dev/null
  bash scripts/setup/build-kind-node.sh >/dev/null
fi
say "machine ready"
