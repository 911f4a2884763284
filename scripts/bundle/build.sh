#!/usr/bin/env bash
# Builds the offline Kubernetes bundle: Kubernetes binaries from the Go module k8s.io/kubernetes, etcd from
# go.etcd.io/etcd, crictl from sigs.k8s.io/cri-tools, a pause binary, the OCI image archives kubeadm's static
# pods need, and the node's container runtime (containerd, its runc shim and ctr from
# github.com/containerd/containerd/v2, runc from github.com/opencontainers/runc). Everything comes from the Go
# module proxy; nothing is downloaded prebuilt.
# Cached by version under $COCO_CACHE_DIR (default ~/.cache/coco-conformance): a second run takes seconds. The
# runtime has a folder of its own, so a new Kubernetes version does not rebuild it, nor the reverse.
# Prints the bundle directory as its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache=${COCO_CACHE_DIR:-$HOME/.cache/coco-conformance}
bundle="$cache/bundle/k8s-$KUBE_VERSION-etcd-$ETCD_VERSION"
runtime="$cache/bundle/containerd-$CONTAINERD_VERSION-runc-$RUNC_VERSION"
src="$cache/bundle/src"
mkdir -p "$bundle/bin" "$bundle/images" "$runtime/bin" "$src"
started=$(date +%s)
step() { printf '[bundle +%ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN=local

# Kubernetes publishes its staging modules (k8s.io/api, client-go, …) as v0.<minor>.<patch>; k8s.io/kubernetes
# itself points them at ./staging, which is not in its module zip, so our tools module maps them back.
staging_version="v0.${KUBE_VERSION#v1.}"
kube_module="$src/kube-$KUBE_VERSION"
write_kube_module() {
  mkdir -p "$kube_module"
  local gomod="$kube_module/go.mod"
  {
    echo "module coco-conformance.local/bundle/kube"
    echo
    echo "go 1.22.0"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    for m in $(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" >/dev/null && \
               sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' \
               "$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"); do
      case "$m" in
        # Not published on the module proxy, and only needed by Kubernetes' own tests: an empty stand-in.
        k8s.io/sample-*) mkdir -p "$kube_module/stub/${m#k8s.io/}"
                         echo "module $m" > "$kube_module/stub/${m#k8s.io/}/go.mod"
                         echo "	$m => ./stub/${m#k8s.io/}" ;;
        *) echo "	$m => $m $staging_version" ;;
      esac
    done
    echo ")"
  } > "$gomod"
  cat > "$kube_module/tools.go" <<'GO'
//go:build tools

// Package tools pins the Kubernetes commands the bundle builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  (cd "$kube_module" && go mod tidy >&2)
}

build_kube() {
  local minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  local ldflags="-s -w"
  # kubeadm refuses binaries without a real version; set it the way hack/lib/version.sh does.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for cmd in kubeadm kubectl kubelet kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
    if [ -x "$bundle/bin/$cmd" ]; then step "$cmd $KUBE_VERSION cached"; continue; fi
    step "building $cmd $KUBE_VERSION"
    (cd "$kube_module" && go build -trimpath -ldflags "$ldflags" -o "$bundle/bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$bundle/bin/$cmd.tmp" "$bundle/bin/$cmd"
  done
}

build_etcd() {
  if [ -x "$bundle/bin/etcd" ]; then step "etcd $ETCD_VERSION cached"; return; fi
  local etcd_module="$src/etcd-$ETCD_VERSION"
  mkdir -p "$etcd_module"
  cat > "$etcd_module/go.mod" <<GOMOD
module coco-conformance.local/bundle/etcd

go 1.22.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
  # etcd's own main.go (module go.etcd.io/etcd/v3) is this one call; the server module holds everything else.
  cat > "$etcd_module/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  step "building etcd $ETCD_VERSION"
  (cd "$etcd_module" && go mod tidy >&2 && go build -trimpath -ldflags "-s -w" -o "$bundle/bin/etcd" .)
}

build_crictl() {
  if [ -x "$bundle/bin/crictl" ]; then step "crictl $CRICTL_VERSION cached"; return; fi
  step "building crictl $CRICTL_VERSION"
  GOBIN="$bundle/bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
}

build_pause() {
  if [ -x "$bundle/bin/pause" ]; then step "pause cached"; return; fi
  step "building pause from Kubernetes' build/pause/linux/pause.c"
  local pause_src
  pause_src="$(go env GOMODCACHE)/k8s.io/kubernetes@$KUBE_VERSION/build/pause/linux/pause.c"
  gcc -Os -static -DVERSION="$KUBE_VERSION" -o "$bundle/bin/pause" "$pause_src"
}

# containerd's Makefile builds its commands with -tags urfave_cli_no_docs, the shim also with no_grpc and without
# cgo, and sets the version through -X (Makefile:94,100,105 at v2.3.7). Its go.mod has no replace directives, so
# `go install module@version` builds exactly the release.
build_containerd() {
  local pkg=github.com/containerd/containerd/v2
  local ldflags="-s -w -X $pkg/version.Version=$CONTAINERD_VERSION -X $pkg/version.Package=$pkg"
  for cmd in containerd containerd-shim-runc-v2 ctr; do
    if [ -x "$runtime/bin/$cmd" ]; then step "$cmd $CONTAINERD_VERSION cached"; continue; fi
    local tags=urfave_cli_no_docs
    [ "$cmd" = containerd-shim-runc-v2 ] && tags+=" no_grpc"
    step "building $cmd $CONTAINERD_VERSION"
    GOBIN="$runtime/bin.tmp" go install -trimpath -tags "$tags" -ldflags "$ldflags" "$pkg/cmd/$cmd@$CONTAINERD_VERSION"
    mv "$runtime/bin.tmp/$cmd" "$runtime/bin/$cmd"
  done
  rmdir "$runtime/bin.tmp" 2>/dev/null || true
}

# runc needs cgo (its nsenter is C) and libseccomp for seccomp profiles; built static as its Makefile's `static`
# target does (Makefile at v1.5.3), without the libpathrs tag (a Rust library Debian 12 does not ship; runc then
# uses its pure-Go path resolution).
build_runc() {
  if [ -x "$runtime/bin/runc" ]; then step "runc $RUNC_VERSION cached"; return; fi
  step "building runc $RUNC_VERSION"
  CGO_ENABLED=1 GOBIN="$runtime/bin.tmp" go install -trimpath -buildmode=pie -tags "seccomp urfave_cli_no_docs netgo osusergo" \
    -ldflags "-s -w -linkmode external -extldflags -static-pie" "github.com/opencontainers/runc@$RUNC_VERSION"
  mv "$runtime/bin.tmp/runc" "$runtime/bin/runc"
  rmdir "$runtime/bin.tmp" 2>/dev/null || true
}

build_images() {
  local registry=$IMAGE_REPOSITORY
  local make_image="$here/make-oci-image.sh"
  local etcd_tag="${ETCD_VERSION#v}-0"
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
    "$make_image" "$bundle/images/$cmd.tar" "$registry/$cmd:$KUBE_VERSION" "/usr/local/bin/$cmd" "$bundle/bin/$cmd"
  done
  "$make_image" "$bundle/images/etcd.tar" "$registry/etcd:$etcd_tag" /usr/local/bin/etcd "$bundle/bin/etcd"
  "$make_image" "$bundle/images/pause.tar" "$registry/pause:$PAUSE_TAG" /pause "$bundle/bin/pause"
  step "images ready in $bundle/images"
}

if [ ! -f "$bundle/.kube-module-ready" ]; then
  step "resolving k8s.io/kubernetes $KUBE_VERSION through the Go module proxy"
  write_kube_module
  touch "$bundle/.kube-module-ready"
fi
build_kube
build_etcd
build_crictl
build_pause
build_images
build_containerd
build_runc
cat > "$bundle/versions.json" <<JSON
{"kubernetes":"$KUBE_VERSION","etcd":"$ETCD_VERSION","etcdImageTag":"${ETCD_VERSION#v}-0","crictl":"$CRICTL_VERSION","pauseTag":"$PAUSE_TAG","imageRepository":"$IMAGE_REPOSITORY","containerd":"$CONTAINERD_VERSION","runc":"$RUNC_VERSION","runtimeBinDir":"$runtime/bin"}
JSON
step "bundle ready ($(( $(date +%s) - started ))s)"
echo "$bundle"
