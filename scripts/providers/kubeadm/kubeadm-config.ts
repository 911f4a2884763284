import { stringify } from 'yaml';
import { NODE_LAYOUT, CRI_ENDPOINT } from './node-layout.ts';

export interface KubeadmConfigInput {
  kubernetesVersion: string; // v1.30.14
  nodeName: string;
  /** The node's own address (node-address.ts): advertised, the kubelet's node IP, and the only address the
   *  apiserver and the kubelet listen on. */
  advertiseAddress: string;
  criSocket: string;
  /** Bundle source: the local image repository and etcd tag; packages source: upstream defaults. */
  imageRepository?: string;
  etcdImageTag?: string;
  cgroupDriver: 'cgroupfs' | 'systemd';
  /** Addons kubeadm should not install (the bundle has no CoreDNS; kube-proxy can run without being an addon). */
  skipPhases: string[];
}

/** kubeadm's own config file (v1beta3, the API of kubeadm v1.30): InitConfiguration, ClusterConfiguration and the
 *  KubeletConfiguration kubeadm hands to the kubelet. The control-plane node is also the worker, so it carries no
 *  taint. */
export function renderKubeadmConfig(input: KubeadmConfigInput): string {
  const init = {
    apiVersion: 'kubeadm.k8s.io/v1beta3',
    kind: 'InitConfiguration',
    localAPIEndpoint: { advertiseAddress: input.advertiseAddress, bindPort: 6443 },
    nodeRegistration: {
      name: input.nodeName,
      criSocket: input.criSocket,
      taints: [],
      imagePullPolicy: input.imageRepository ? 'Never' : 'IfNotPresent',
      // Without it the kubelet reports the address of the default route's interface as the node's InternalIP.
      kubeletExtraArgs: { 'node-ip': input.advertiseAddress },
    },
    skipPhases: input.skipPhases,
  };
  const cluster: Record<string, unknown> = {
    apiVersion: 'kubeadm.k8s.io/v1beta3',
    kind: 'ClusterConfiguration',
    kubernetesVersion: input.kubernetesVersion,
    clusterName: 'coco-conformance',
    networking: { podSubnet: NODE_LAYOUT.podSubnet, serviceSubnet: NODE_LAYOUT.serviceSubnet },
    // kubeadm puts the advertise address into the serving certificate already; naming it keeps that a requirement.
    apiServer: { certSANs: [input.advertiseAddress], extraArgs: { 'bind-address': input.advertiseAddress } },
  };
  if (input.imageRepository) {
    cluster.imageRepository = input.imageRepository;
    cluster.etcd = { local: { imageRepository: input.imageRepository, imageTag: input.etcdImageTag } };
  }
  const kubelet = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    cgroupDriver: input.cgroupDriver,
    failSwapOn: false,
    containerRuntimeEndpoint: input.criSocket,
    // The API (logs, exec) on the node address only; healthz stays on loopback, where only this host asks.
    address: input.advertiseAddress,
  };
  return [init, cluster, kubelet].map((doc) => stringify(doc, { lineWidth: 120 })).join('---\n');
}

export const BUNDLE_CRI_SOCKET = CRI_ENDPOINT;
/** The system containerd of a runner with kubeadm, kubelet and containerd installed from packages. */
export const PACKAGES_CRI_SOCKET = 'unix:///run/containerd/containerd.sock';
