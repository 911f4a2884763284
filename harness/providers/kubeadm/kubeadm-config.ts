import { stringify } from 'yaml';
import { compareReleases } from '../../../matrix/index.ts';
import { NODE_LAYOUT, CRI_ENDPOINT } from './node-layout.ts';

export interface KubeadmConfigInput {
  kubernetesVersion: string; // v1.35.4
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

/** kubeadm's own config file: InitConfiguration, ClusterConfiguration and the KubeletConfiguration kubeadm hands
 *  to the kubelet, in the kubeadm API of the version that reads it (kubeadmApi). The control-plane node is also the
 *  worker, so it carries no taint. */
export function renderKubeadmConfig(input: KubeadmConfigInput): string {
  const api = kubeadmApi(input.kubernetesVersion);
  const init = {
    apiVersion: `kubeadm.k8s.io/${api}`,
    kind: 'InitConfiguration',
    localAPIEndpoint: { advertiseAddress: input.advertiseAddress, bindPort: 6443 },
    nodeRegistration: {
      name: input.nodeName,
      criSocket: input.criSocket,
      taints: [],
      imagePullPolicy: input.imageRepository ? 'Never' : 'IfNotPresent',
      // Without it the kubelet reports the address of the default route's interface as the node's InternalIP.
      kubeletExtraArgs: extraArgs(api, { 'node-ip': input.advertiseAddress }),
    },
    skipPhases: input.skipPhases,
  };
  const cluster: Record<string, unknown> = {
    apiVersion: `kubeadm.k8s.io/${api}`,
    kind: 'ClusterConfiguration',
    kubernetesVersion: input.kubernetesVersion,
    clusterName: 'coco-conformance',
    networking: { podSubnet: NODE_LAYOUT.podSubnet, serviceSubnet: NODE_LAYOUT.serviceSubnet },
    // kubeadm puts the advertise address into the serving certificate already; naming it keeps that a requirement.
    apiServer: { certSANs: [input.advertiseAddress], extraArgs: extraArgs(api, { 'bind-address': input.advertiseAddress }) },
  };
  if (input.imageRepository) {
    cluster.imageRepository = input.imageRepository;
    cluster.etcd = { local: { imageRepository: input.imageRepository, imageTag: input.etcdImageTag } };
  }
  const kubelet: Record<string, unknown> = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    cgroupDriver: input.cgroupDriver,
    failSwapOn: false,
    containerRuntimeEndpoint: input.criSocket,
    // The API (logs, exec) on the node address only; healthz stays on loopback, where only this host asks.
    address: input.advertiseAddress,
  };
  // From v1.35 the kubelet refuses a cgroup v1 host unless told otherwise (failCgroupV1 defaults to true:
  // pkg/kubelet/apis/config/v1beta1/defaults.go:292-293 at v1.35.4; the field exists since v1.31). This machine, like
  // many CI VMs, still mounts cgroup v1; on a cgroup v2 host the setting changes nothing.
  if (api === 'v1beta4') kubelet.failCgroupV1 = false;
  return [init, cluster, kubelet].map((doc) => stringify(doc, { lineWidth: 120 })).join('---\n');
}

/** kubeadm's config API: v1beta4 from kubeadm v1.31, v1beta3 before. At v1.30.14 v1beta4 is still experimental
 *  (cmd/kubeadm/app/util/config/common.go:86-90) and v1beta3 first in priority (apis/kubeadm/scheme/scheme.go:49);
 *  at v1.35.4 v1beta4 comes first (scheme.go:47) and v1beta3 is deprecated (apis/kubeadm/v1beta3/doc.go:25). */
export function kubeadmApi(kubernetesVersion: string): 'v1beta3' | 'v1beta4' {
  if (!/^v?1\.\d+/.test(kubernetesVersion)) throw new Error(`kubeadm config: kubernetes version ${kubernetesVersion}: expected v1.<minor>.<patch>`);
  return compareReleases(kubernetesVersion, 'v1.31.0') >= 0 ? 'v1beta4' : 'v1beta3';
}

/** Extra flags: a map in v1beta3, a list of {name, value} in v1beta4 (which allows a flag twice). */
function extraArgs(api: 'v1beta3' | 'v1beta4', flags: Record<string, string>): Record<string, string> | Array<{ name: string; value: string }> {
  return api === 'v1beta3' ? flags : Object.entries(flags).map(([name, value]) => ({ name, value }));
}

export const BUNDLE_CRI_SOCKET = CRI_ENDPOINT;
/** The system containerd of a runner with kubeadm, kubelet and containerd installed from packages. */
export const PACKAGES_CRI_SOCKET = 'unix:///run/containerd/containerd.sock';
