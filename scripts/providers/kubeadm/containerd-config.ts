import { NODE_LAYOUT } from './node-layout.ts';

/** containerd for the kubelet, separate from any containerd docker uses: its own socket, root and state, so destroy
 *  can remove all of it. cgroupfs because this machine has no systemd as PID 1. */
export function renderContainerdConfig(sandboxImage: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `version = 2
root = "${NODE_LAYOUT.containerdRoot}"
state = "${NODE_LAYOUT.containerdState}"

[grpc]
  address = "${NODE_LAYOUT.containerdSocket}"

[ttrpc]
  address = "${NODE_LAYOUT.containerdSocket}.ttrpc"

[${cri}]
  sandbox_image = "${sandboxImage}"
  # The harness may run without CAP_SYS_RESOURCE (this sandbox drops it): runc then cannot lower a container's
  # oom_score_adj below its own, and every sandbox fails with "can't get final child's PID from pipe". Clamping
  # to containerd's own value is what rootless setups do; it changes eviction order only.
  restrict_oom_score_adj = true
  [${cri}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    # keep unpacked layers' blobs: guest pull and image inspection need the content after unpack
    discard_unpacked_layers = false
    [${cri}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [${cri}.containerd.runtimes.runc.options]
        SystemdCgroup = false
        # runc's state under our folder too (its default, /run/containerd/runc, is any containerd's)
        Root = "${NODE_LAYOUT.runcRoot}"
  [${cri}.cni]
    bin_dir = "${NODE_LAYOUT.cniBinDir}"
    conf_dir = "${NODE_LAYOUT.cniConfDir}"
  [${cri}.registry]
    config_path = "${NODE_LAYOUT.registryHostsDir}"
`;
}

/** hosts.toml letting containerd pull over plain http from a registry on this machine. */
export function renderRegistryHosts(hostPort: string): string {
  return `server = "http://${hostPort}"

[host."http://${hostPort}"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
`;
}
