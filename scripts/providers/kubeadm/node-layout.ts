/** Where the harness keeps a local node's state, so that destroy knows exactly what to remove and never touches a
 *  system containerd, docker or kubelet it did not start. */
export const NODE_LAYOUT = {
  stateDir: '/var/lib/coco-conformance',
  runDir: '/run/coco-conformance',
  logDir: '/var/log/coco-conformance',
  configDir: '/etc/coco-conformance',
  binDir: '/usr/local/bin',
  /** What the harness started for the local cluster, written as each part starts (local-cluster-state.ts). */
  stateFile: '/run/coco-conformance/local-cluster.json',
  containerdConfig: '/etc/coco-conformance/containerd/config.toml',
  containerdSocket: '/run/coco-conformance/containerd/containerd.sock',
  containerdRoot: '/var/lib/coco-conformance/containerd',
  containerdState: '/run/coco-conformance/containerd',
  /** runc's container state (runc's own default is /run/containerd/runc, shared with any other containerd). */
  runcRoot: '/run/coco-conformance/runc',
  /** hosts.toml per registry (containerd reads it at every pull, no restart needed). */
  registryHostsDir: '/etc/coco-conformance/containerd/certs.d',
  cniConfDir: '/etc/cni/net.d',
  cniConfFile: '/etc/cni/net.d/10-coco-conformance.conflist',
  cniBinDir: '/usr/lib/cni',
  bridge: 'coco0',
  /** The node's own address, on an interface the harness creates: the apiserver, the kubelet, the registries and
   *  the KBS double listen here and nowhere else, so the cluster never uses (or sends to) an address of this
   *  machine's network. 198.18.0.0/15 is the benchmarking range (RFC 2544), never routed on a real network. */
  nodeInterface: 'coco-node0',
  nodeAddress: '198.18.0.1',
  podSubnet: '10.244.0.0/16',
  nodePodRange: '10.244.0.0/24',
  serviceSubnet: '10.96.0.0/12',
  kubeletPidFile: '/run/coco-conformance/kubelet.pid',
  containerdPidFile: '/run/coco-conformance/containerd.pid',
} as const;

export const CRI_ENDPOINT = `unix://${NODE_LAYOUT.containerdSocket}`;

/** Paths kubeadm and the kubelet use on any node; ours to remove only when our cluster was here. */
export const KUBEADM_NODE_PATHS = ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/etcd'] as const;
