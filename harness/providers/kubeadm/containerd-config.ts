import { stringify } from 'smol-toml';
import { NODE_LAYOUT, NODE_RUNTIME } from './node-layout.ts';

/** containerd's own config in version 4, the latest of containerd v2.3 (RELEASES.md:446-463 at v2.3.7: version 4
 *  needs containerd ≥ v2.3.0; an older version is migrated at every start, with a warning). Version 4 moved the
 *  server's [grpc] and [ttrpc] tables into the plugins io.containerd.server.v1.grpc / .ttrpc
 *  (cmd/containerd/server/config/config.go:53, serviceMigrate :228); the CRI plugin ids and keys are version 3's
 *  (docs/cri/config.md, "Full configuration" for containerd 2.x). It is containerd for the kubelet, separate from any system
 *  containerd: its own socket, root and state, so destroy can remove all of it, and the shim and runc the bundle
 *  built, named by path (containerd would otherwise take the first containerd-shim-runc-v2 and runc on PATH, which
 *  may be Debian's). cgroupfs because this machine has no systemd as PID 1. */
export function renderContainerdConfig(sandboxImage: string): string {
  return stringify({
    version: 4,
    root: NODE_LAYOUT.containerdRoot,
    state: NODE_LAYOUT.containerdState,
    plugins: {
      // Never the system containerd's socket (/run/containerd/containerd.sock, the plugins' default).
      'io.containerd.server.v1.grpc': { address: NODE_LAYOUT.containerdSocket },
      'io.containerd.server.v1.ttrpc': { address: `${NODE_LAYOUT.containerdSocket}.ttrpc` },
      'io.containerd.cri.v1.images': {
        snapshotter: 'overlayfs',
        // Keep unpacked layers' blobs: guest pull and image inspection need the content after unpack. (true would
        // also switch containerd ≥ 2.1 back from the transfer service to local pull: docs/cri/config.md.)
        discard_unpacked_layers: false,
        pinned_images: { sandbox: sandboxImage },
        // hosts.toml per registry (renderRegistryHosts); containerd reads it at every pull, no restart needed.
        registry: { config_path: NODE_LAYOUT.registryHostsDir },
      },
      'io.containerd.cri.v1.runtime': {
        // The harness may run without CAP_SYS_RESOURCE (this sandbox drops it): runc then cannot lower a
        // container's oom_score_adj below its own, and every sandbox fails with "can't get final child's PID from
        // pipe". Clamping to containerd's own value is what rootless setups do; it changes eviction order only.
        restrict_oom_score_adj: true,
        containerd: {
          default_runtime_name: 'runc',
          runtimes: {
            runc: {
              runtime_type: 'io.containerd.runc.v2',
              runtime_path: NODE_RUNTIME.shim,
              options: {
                SystemdCgroup: false,
                BinaryName: NODE_RUNTIME.runc,
                // runc's state under our folder too (its default, /run/containerd/runc, is any containerd's)
                Root: NODE_LAYOUT.runcRoot,
              },
            },
          },
        },
        cni: { bin_dirs: [NODE_LAYOUT.cniBinDir], conf_dir: NODE_LAYOUT.cniConfDir },
      },
      // Nothing here plugs into NRI, and its socket (/var/run/nri) would lie outside our folders.
      'io.containerd.nri.v1.nri': { disable: true },
      // Its default, /opt/containerd, is any containerd's.
      'io.containerd.internal.v1.opt': { path: `${NODE_LAYOUT.containerdRoot}/opt` },
    },
  });
}

/** hosts.toml letting containerd pull over plain http from a registry on this machine (docs/hosts.md at v2.3.7). */
export function renderRegistryHosts(hostPort: string): string {
  return stringify({
    server: `http://${hostPort}`,
    host: { [`http://${hostPort}`]: { capabilities: ['pull', 'resolve'], skip_verify: true } },
  });
}
