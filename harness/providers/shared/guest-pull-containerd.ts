import type { TomlTable } from 'smol-toml';

/** The nydus snapshotter as containerd's proxy plugin; its socket appears once the release's nydus daemon runs on
 *  the node. */
const NYDUS_PROXY_PLUGIN = { type: 'snapshot', address: '/run/containerd-nydus/containerd-nydus-grpc.sock' };

/** The containerd settings guest pull needs, on a node whose containerd config the provider edits rather than
 *  writes (kind's containerdConfigPatches, k3s's config template), in containerd's config version 2 (the CRI plugin
 *  io.containerd.grpc.v1.cri): keep unpacked layers (the nydus snapshotter reads them), pass snapshot annotations
 *  through to the per-runtime-handler snapshotter, and register nydus as a proxy snapshotter. Set over whatever
 *  the document holds; the rest of it stays. */
export function applyGuestPullContainerd(document: TomlTable): void {
  const containerd = table(table(table(document, 'plugins'), 'io.containerd.grpc.v1.cri'), 'containerd');
  containerd.discard_unpacked_layers = false;
  containerd.disable_snapshot_annotations = false;
  table(document, 'proxy_plugins').nydus = { ...NYDUS_PROXY_PLUGIN };
}

function table(parent: TomlTable, key: string): TomlTable {
  const found = parent[key];
  if (typeof found === 'object' && found !== null && !Array.isArray(found)) return found as TomlTable;
  return (parent[key] = {});
}
