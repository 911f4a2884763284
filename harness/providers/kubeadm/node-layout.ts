import { existsSync } from 'node:fs';

/** Where the harness keeps a local node's state, so that destroy knows exactly what to remove and never touches a
 *  system containerd, docker or kubelet it did not start. */
export const NODE_LAYOUT = {
  stateDir: '/var/lib/coco-conformance',
  runDir: '/run/coco-conformance',
  logDir: '/var/log/coco-conformance',
  configDir: '/etc/coco-conformance',
  binDir: '/usr/local/bin',
  /** The bundle node's container runtime (containerd, its shim, ctr, runc), installed off PATH: a system
   *  containerd or runc (Debian's) is neither shadowed nor used by the cluster. */
  runtimeBinDir: '/usr/local/libexec/coco-conformance',
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

/** The bundle node's runtime commands, by path (the containerd config names the shim and runc the same way). */
export const NODE_RUNTIME = {
  containerd: `${NODE_LAYOUT.runtimeBinDir}/containerd`,
  shim: `${NODE_LAYOUT.runtimeBinDir}/containerd-shim-runc-v2`,
  ctr: `${NODE_LAYOUT.runtimeBinDir}/ctr`,
  runc: `${NODE_LAYOUT.runtimeBinDir}/runc`,
} as const;

/** The runtime command that reaches the bundle node's containers: ours where installed, else the one on PATH (a
 *  cluster left by a harness from before the bundle built its own runtime). */
export function nodeRuntimeCommand(name: keyof typeof NODE_RUNTIME): string {
  return existsSync(NODE_RUNTIME[name]) ? NODE_RUNTIME[name] : name;
}

export const CRI_ENDPOINT = `unix://${NODE_LAYOUT.containerdSocket}`;

/** Paths kubeadm and the kubelet use on any node; ours to remove only when our cluster was here. */
export const KUBEADM_NODE_PATHS = ['/etc/kubernetes', '/var/lib/kubelet', '/var/lib/etcd'] as const;
