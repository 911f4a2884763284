import type { TomlTable } from 'smol-toml';
import { isMap } from '../../../matrix/object-path.ts';

/** The nydus snapshotter as containerd's proxy plugin; its socket appears once the release's nydus daemon runs on
 *  the node. */
const NYDUS_PROXY_PLUGIN = { type: 'snapshot', address: '/run/containerd-nydus/containerd-nydus-grpc.sock' };

/** containerd's config versions: 2 (containerd 1.x, also read by 2.x, which migrates it) and 3 (containerd 2.x).
 *  A version 3 file is not migrated (containerd v2.1.5 plugins/cri/images/plugin.go:164-167, configMigration returns
 *  at version.ConfigVersion, 3: version/version.go:41), so a version 2 key in it is read by nothing. */
export type ContainerdConfigVersion = 2 | 3;

/** The table that holds the image settings guest pull needs, per config version. Version 2: the CRI plugin
 *  io.containerd.grpc.v1.cri, its `containerd` table (containerd v1.7.21 pkg/cri/config/config.go:122-149,
 *  ContainerdConfig; :275 embeds it as `containerd`). Version 3: containerd 2.x split the CRI plugin; its image
 *  service io.containerd.cri.v1.images holds them (containerd v2.1.5 internal/cri/config/config.go:282-294,
 *  ImageConfig; plugins/cri/images/plugin.go:44-45 registers it as plugins.CRIServicePlugin, "io.containerd.cri.v1"
 *  at plugins/types.go:75, with ID "images"). */
export const GUEST_PULL_IMAGE_TABLE: Record<ContainerdConfigVersion, string[]> = {
  2: ['plugins', 'io.containerd.grpc.v1.cri', 'containerd'],
  3: ['plugins', 'io.containerd.cri.v1.images'],
};

/** The containerd settings guest pull needs, on a node whose containerd config the provider edits rather than
 *  writes (kind's containerdConfigPatches, k3s's config template), keyed as the config's version keys them: keep
 *  unpacked layers (the nydus snapshotter reads them), pass snapshot annotations through to the per-runtime-handler
 *  snapshotter, and register nydus as a proxy snapshotter. Set over whatever the document holds; the rest of it
 *  stays. */
export function applyGuestPullContainerd(document: TomlTable, version: ContainerdConfigVersion): void {
  const images = GUEST_PULL_IMAGE_TABLE[version].reduce(table, document);
  images.discard_unpacked_layers = false;
  images.disable_snapshot_annotations = false;
  table(document, 'proxy_plugins').nydus = { ...NYDUS_PROXY_PLUGIN };
}

function table(parent: TomlTable, key: string): TomlTable {
  const found = parent[key];
  if (isMap(found)) return found as TomlTable;
  return (parent[key] = {});
}
