#!/usr/bin/env bash
# Makes the root filesystem of the kind provider's node image, since no image can be pulled here (kind's own
# kindest/node and kindest/base live in a container registry). What a kind node must contain is read from kind's
# base image recipe and node-image build at KIND_VERSION (images/base/Dockerfile, pkg/build/nodeimage/): systemd as
# init, kind's entrypoint, systemd units and containerd config, containerd/runc/crictl, CNI plugins, kubeadm,
# kubelet and kubectl in /usr/bin, /kind/version, and the control-plane images in containerd's store. Here:
#   - a Debian rootfs (debootstrap) with the packages kind's Dockerfile installs that a single node needs;
#   - kind's base files taken from the kind module the Go module proxy serves (as the bundle compiles Kubernetes'
#     pause.c from its module): nothing of kind is kept in this repository;
#   - the offline bundle's containerd, runc, crictl and Kubernetes binaries (scripts/bundle/build.sh), and its image
#     archives imported content-only into the node's containerd store, as kind's own build does
#     (pkg/build/nodeimage/imageimporter.go: `ctr images import --no-unpack`, pinned);
#   - one bridge pod network from Debian's containernetworking-plugins (kind's default CNI, kindnetd, is an image
#     that cannot be pulled; the kind provider disables it).
# The engine imports the archive as the node image (docker import). Cached under $COCO_CACHE_DIR/kind, keyed by the
# versions and this script: a second run takes a second. Prints the node folder (kind-node.json inside) last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/bundle/versions.env
source "$here/../bundle/versions.env"
cache=${COCO_CACHE_DIR:-$HOME/.cache/coco-conformance}
started=$(date +%s)
step() { printf '[kind-node +%ss] %s\n' "$(( $(date +%s) - started ))" "$*" >&2; }
export GOFLAGS=-buildvcs=false GOTOOLCHAIN=local

# The packages of kind's base image (images/base/Dockerfile at v0.33.0) a single node uses; no NFS, iSCSI or
# fuse-overlayfs (the node's /var is a volume on the host's filesystem, where overlayfs works).
packages=systemd,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,jq,procps,e2fsprogs,containernetworking-plugins
# The node's containerd config, made before the cache is asked: it is part of the key, so a change in kind's config, in
# the edit (kind-node-containerd.ts) or in the TOML library's output makes a new node image.
go mod download "sigs.k8s.io/kind@$KIND_VERSION"
files="$(go env GOMODCACHE)/sigs.k8s.io/kind@$KIND_VERSION/images/base/files"
toml_edit() { (cd "$here/../.." && npx --no-install tsx scripts/setup/kind-node-containerd.ts "$@"); }
# The pod sandbox is the bundle's pause image (kind's build reads sandbox_image from this file the same way).
node_config=$(toml_edit node-config "$files/etc/containerd/config.toml" "$IMAGE_REPOSITORY/pause:$PAUSE_TAG" /dev/stdout) \
  || { echo "failed to build the kind node: kind $KIND_VERSION's containerd config could not be given the bundle's pause image" >&2; exit 1; }
key=$( { echo "$KIND_VERSION $KUBE_VERSION $ETCD_VERSION $CRICTL_VERSION $PAUSE_TAG $CONTAINERD_VERSION $RUNC_VERSION $KIND_NODE_SUITE $packages"; cat "$0"; printf '%s\n' "$node_config"; } | sha256sum | cut -c1-12)
node="$cache/kind/node-$KUBE_VERSION-$key"
if [ -f "$node/kind-node.json" ]; then step "node image $key cached"; echo "$node"; exit 0; fi

bundle=$(bash "$here/../bundle/build.sh" | tail -n 1)
runtime=$(jq -r .runtimeBinDir "$bundle/versions.json")
mkdir -p "$cache/kind"

rootfs_tar="$cache/kind/rootfs-$KIND_NODE_SUITE-$(echo "$packages" | sha256sum | cut -c1-12).tar"
if [ ! -f "$rootfs_tar" ]; then
  step "debootstrap $KIND_NODE_SUITE with $packages (a couple of minutes)"
  rootfs_work=$(mktemp -d "$cache/kind/.rootfs.XXXXXX")
  trap 'rm -rf "$rootfs_work"' EXIT
  debootstrap --variant=minbase --include="$packages" "$KIND_NODE_SUITE" "$rootfs_work/root" http://deb.debian.org/debian >&2
  rm -rf "$rootfs_work/root/var/cache/apt/archives/"*.deb "$rootfs_work/root/var/lib/apt/lists/"*
  tar -C "$rootfs_work/root" --numeric-owner -cf "$rootfs_work/rootfs.tar" .
  mv "$rootfs_work/rootfs.tar" "$rootfs_tar"
  rm -rf "$rootfs_work"
  trap - EXIT
fi

work=$(mktemp -d "$cache/kind/.node.XXXXXX")
containerd_pid=
cleanup() { [ -z "$containerd_pid" ] || kill "$containerd_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
root="$work/root"
mkdir -p "$root"
step "assembling the node from $(basename "$rootfs_tar"), kind $KIND_VERSION's base files and the bundle"
tar -C "$root" -xf "$rootfs_tar"

install -m 0755 "$files/usr/local/bin/"* "$root/usr/local/bin/"
mkdir -p "$root/kind/bin" "$root/etc/containerd" "$root/etc/systemd/system/kubelet.service.d" "$root/etc/kubernetes/manifests"
install -m 0755 "$files/kind/bin/"* "$root/kind/bin/"
install -m 0644 "$files/etc/crictl.yaml" "$root/etc/"
printf '%s\n' "$node_config" > "$root/etc/containerd/config.toml"
install -m 0644 "$files/etc/default/kubelet" "$root/etc/default/"
install -m 0644 "$files/etc/sysctl.d/"* "$root/etc/sysctl.d/"
install -m 0644 "$files/etc/systemd/system/"*.service "$files/etc/systemd/system/"*.slice "$root/etc/systemd/system/"
install -m 0644 "$files/etc/systemd/system/kubelet.service.d/"* "$root/etc/systemd/system/kubelet.service.d/"

install -m 0755 "$runtime/containerd" "$runtime/containerd-shim-runc-v2" "$runtime/ctr" "$bundle/bin/crictl" "$root/usr/local/bin/"
install -m 0755 "$runtime/runc" "$root/usr/local/sbin/runc"
install -m 0755 "$bundle/bin/kubeadm" "$bundle/bin/kubelet" "$bundle/bin/kubectl" "$root/usr/bin/"
# The runtime spec base with kind's product-files hook and without rlimits, as the Dockerfile's build stage makes it.
"$runtime/ctr" oci spec \
  | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"} | del(.process.rlimits)' \
  > "$root/etc/containerd/cri-base.json"

# systemd as kind's base image leaves it: only containerd, the kubelet and kind's mount fix start.
ln -sf /usr/lib/systemd/systemd "$root/sbin/init"
rm -f "$root/lib/systemd/system/multi-user.target.wants/"* "$root/etc/systemd/system/"*.wants/* \
  "$root/lib/systemd/system/local-fs.target.wants/"* "$root/lib/systemd/system/sockets.target.wants/"*udev* \
  "$root/lib/systemd/system/sockets.target.wants/"*initctl* "$root/lib/systemd/system/basic.target.wants/"* \
  "$root/lib/systemd/system/sysinit.target.wants/systemd-tmpfiles-setup.service"
echo "ReadKMsg=no" >> "$root/etc/systemd/journald.conf"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
for unit in kubelet containerd undo-mount-hacks; do
  ln -sf "/etc/systemd/system/$unit.service" "$root/etc/systemd/system/multi-user.target.wants/$unit.service"
done
ln -sf /dev/null "$root/etc/systemd/system/systemd-binfmt.service"
printf '%s' "$KUBE_VERSION" > "$root/kind/version"

# The pod network of the single node: Debian's bridge and host-local in the plugin folder containerd reads, on the
# pod subnet the kind provider gives the cluster. As on the kubeadm node (harness/providers/kubeadm/cni-config.ts), a
# pod has no default route: it reaches the node and this machine's side of the node network (the registries and the
# KBS double on its gateway) and nothing else; ipMasq, so that what it sends there leaves with the node's address,
# which the host can answer.
mkdir -p "$root/opt/cni/bin" "$root/etc/cni/net.d"
for plugin in "$root"/usr/lib/cni/*; do ln -sf "/usr/lib/cni/$(basename "$plugin")" "$root/opt/cni/bin/"; done
cat > "$root/etc/cni/net.d/10-coco-conformance.conflist" <<'JSON'
{"cniVersion":"1.0.0","name":"coco-conformance","plugins":[{"type":"bridge","bridge":"coco0","isGateway":true,"ipMasq":true,"hairpinMode":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.244.0.0/24"}]],"routes":[{"dst":"198.19.0.0/24"}]}},{"type":"portmap","capabilities":{"portMappings":true}}]}
JSON
# No name server exists for the node (kind points it at the network's gateway, where nothing answers, and every
# lookup waits out its timeouts): lookups go to the node's loopback and fail at once.
cat > "$root/etc/systemd/system/coco-node-dns.service" <<'UNIT'
[Unit]
Description=Name lookups on this node fail at once (no name server is reachable)
Before=containerd.service kubelet.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "nameserver 127.0.0.1" > /etc/resolv.conf'
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/coco-node-dns.service "$root/etc/systemd/system/multi-user.target.wants/coco-node-dns.service"

step "importing the bundle's images into the node's containerd store"
mkdir -p "$work/containerd"
toml_edit import-config "$root/var/lib/containerd" "$work/containerd/state" "$work/containerd/containerd.sock" "$work/containerd/config.toml"
"$runtime/containerd" --config "$work/containerd/config.toml" > "$work/containerd/log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do [ -S "$work/containerd/containerd.sock" ] && break; sleep 0.1; done
for archive in "$bundle"/images/*.tar; do
  "$runtime/ctr" --address "$work/containerd/containerd.sock" -n k8s.io images import \
    --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack "$archive" >/dev/null 2>&1
done
kill "$containerd_pid"; wait "$containerd_pid" 2>/dev/null || true; containerd_pid=

mkdir -p "$work/out"
tar -C "$root" --numeric-owner -cf "$work/out/node.tar" .
cat > "$work/out/kind-node.json" <<JSON
{"image":"coco-kind-node.local/node:$KUBE_VERSION-$key","archive":"$node/node.tar","kind":"$KIND_VERSION","kubernetes":"$KUBE_VERSION","imageRepository":"$IMAGE_REPOSITORY","etcdImageTag":"${ETCD_VERSION#v}-0","podSubnet":"10.244.0.0/16"}
JSON
rm -rf "$node"
mv "$work/out" "$node"
# One node image at a time (about 900 MB): an earlier key's goes.
for old in "$cache/kind"/node-*; do [ "$old" = "$node" ] || rm -rf "$old"; done
step "node image ready ($(( $(date +%s) - started ))s)"
echo "$node"
