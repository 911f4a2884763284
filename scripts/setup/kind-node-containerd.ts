/**
 * The containerd configs scripts/setup/build-kind-node.sh writes, as TOML documents read and written with the TOML
 * library (lib/rewrite-toml.ts, smol-toml) rather than sed and a heredoc with paths pasted in:
 *
 *   node-config KIND_CONFIG PAUSE_IMAGE OUT     kind's own node config (images/base/files/etc/containerd/config.toml
 *                                               of the kind module) with the CRI plugin's sandbox_image set to the
 *                                               bundle's pause image; stops when kind's config has no sandbox_image
 *   import-config ROOT STATE SOCKET OUT         the config of the containerd that imports the bundle's images into
 *                                               the node's store at build time: no CRI, our own socket
 *
 * Run with tsx. One line on stderr and exit 1 when a file cannot be read or is not TOML.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify, type TomlTable } from 'smol-toml';
import { rewriteToml } from '../../lib/rewrite-toml.ts';

/** Where kind's node config (version 2) sets the pod sandbox image: the CRI plugin's sandbox_image (kind v0.33.0
 *  images/base/files/etc/containerd/config.toml:36-38; kind's own node-image build reads it from there too,
 *  pkg/build/nodeimage/helpers.go:46). */
export function kindNodeContainerdConfig(kindConfig: string, pauseImage: string): string {
  return rewriteToml(kindConfig, (document) => {
    const cri = (document.plugins as TomlTable | undefined)?.['io.containerd.grpc.v1.cri'] as TomlTable | undefined;
    if (typeof cri?.sandbox_image !== 'string') {
      throw new Error('kind\'s containerd config has no plugins."io.containerd.grpc.v1.cri".sandbox_image');
    }
    cri.sandbox_image = pauseImage;
  });
}

/** The build-time containerd that imports images only: every CRI plugin off (version 3 names them), its own socket
 *  and state. */
export function imageImportContainerdConfig(root: string, state: string, socket: string): string {
  return stringify({
    version: 3,
    root,
    state,
    disabled_plugins: ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime', 'io.containerd.cri.v1.images'],
    grpc: { address: socket },
  });
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  if (command === 'node-config' && args.length === 3) {
    writeFileSync(args[2]!, kindNodeContainerdConfig(readFileSync(args[0]!, 'utf8'), args[1]!));
  } else if (command === 'import-config' && args.length === 4) {
    writeFileSync(args[3]!, imageImportContainerdConfig(args[0]!, args[1]!, args[2]!));
  } else {
    throw new Error('usage: kind-node-containerd.ts node-config KIND_CONFIG PAUSE_IMAGE OUT | import-config ROOT STATE SOCKET OUT');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`kind-node-containerd: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exit(1);
  }
}
