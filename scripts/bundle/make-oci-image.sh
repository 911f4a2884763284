#!/usr/bin/env bash
# Writes a single-layer OCI image archive (oci-archive, importable with `ctr images import` and readable by skopeo)
# without a container daemon: the layer is a tar of the given files, the config names the entrypoint.
# usage: make-oci-image.sh OUT.tar IMAGE:TAG ENTRYPOINT SRC[:DEST] [SRC[:DEST]…]
#   SRC without :DEST lands at ENTRYPOINT's path (the first file) or /<basename>.
set -euo pipefail
out=$1 ref=$2 entrypoint=$3; shift 3
[ -f "$out" ] && [ "$out" -nt "${1%%:*}" ] && exit 0

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
root="$work/rootfs"; mkdir -p "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"
first=1
for spec in "$@"; do
  src=${spec%%:*}; dest=${spec#*:}
  if [ "$dest" = "$spec" ]; then
    if [ $first = 1 ]; then dest=$entrypoint; else dest="/$(basename "$src")"; fi
  fi
  mkdir -p "$root$(dirname "$dest")"; cp -a "$src" "$root$dest"; first=0
done
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/false" >> "$root/etc/passwd"

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
mkdir -p "$work/oci/blobs/sha256"
# Reproducible layer: fixed owner and timestamps, sorted entries.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$work/layer.tar" .
layer_sha=$(sha "$work/layer.tar"); layer_size=$(size "$work/layer.tar")
mv "$work/layer.tar" "$work/oci/blobs/sha256/$layer_sha"

printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["%s"],"Env":["PATH=/usr/local/bin:/usr/bin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$entrypoint" "$layer_sha" > "$work/config.json"
config_sha=$(sha "$work/config.json"); config_size=$(size "$work/config.json")
mv "$work/config.json" "$work/oci/blobs/sha256/$config_sha"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$config_sha" "$config_size" "$layer_sha" "$layer_size" > "$work/manifest.json"
manifest_sha=$(sha "$work/manifest.json"); manifest_size=$(size "$work/manifest.json")
mv "$work/manifest.json" "$work/oci/blobs/sha256/$manifest_sha"

tag=${ref##*:}
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest_sha" "$manifest_size" "$ref" "$tag" > "$work/oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci/oci-layout"
mkdir -p "$(dirname "$out")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/oci" -cf "$out.tmp" .
mv "$out.tmp" "$out"
