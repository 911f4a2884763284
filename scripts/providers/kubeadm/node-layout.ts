/** Where the harness keeps a local node's state, so that destroy knows exactly what to remove and never touches a
 *  system containerd, docker or kubelet it did not start. */
export const NODE_LAYOUT = {
  stateDir: '/var/lib/coco-conformance',
  runDir: '/run/coco-conformance',
  logDir: '/var/log/coco-conformance',
  configDir: '/etc/coco-conformance',
  binDir: '/usr/local/bin',
  containerdConfig: '/etc/coco-conformance/containerd/config.toml',
  containerdSocket: '/run/coco-conformance/containerd/containerd.sock',
  containerdRoot: '/var/lib/coco-conformance/containerd',
  containerdState: '/run/coco-conformance/containerd',
  /** hosts.toml per registry (containerd reads it at every pull, no restart needed). */
  registryHostsDir: '/etc/coco-conformance/containerd/certs.d',
  cniConfDir: '/etc/cni/net.d',
  cniConfFile: '/etc/cni/net.d/10-coco-conformance.conflist',
  cniBinDir: '/usr/lib/cni',
  bridge: 'coco0',
  podSubnet: '10.244.0.0/16',
  nodePodRange: '10.244.0.0/24',
  serviceSubnet: '10.96.0.0/12',
  kubeletPidFile: '/run/coco-conformance/kubelet.pid',
  containerdPidFile: '/run/coco-conformance/containerd.pid',
} as const;

export const CRI_ENDPOINT = `unix://${NODE_LAYOUT.containerdSocket}`;
