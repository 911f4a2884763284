import { stringify as stringifyToml } from 'smol-toml';
import { stringify } from 'yaml';
import { rewriteToml } from '../../../lib/rewrite-toml.ts';
import { kindNodeImageFor } from '../../../matrix/cluster-versions.ts';
import { applyGuestPullContainerd } from '../shared/guest-pull-containerd.ts';
import type { KindNodeImage } from './kind-engine.ts';
import { KIND_LAYOUT } from './kind-engine.ts';

/** containerd settings guest pull needs on the kind node (applyGuestPullContainerd), as a patch kind merges into
 *  the node's containerd config, which is version 2 (kind v0.33.0 images/base/files/etc/containerd/config.toml:2). */
export const KIND_CONTAINERD_PATCH = rewriteToml('', (document) => applyGuestPullContainerd(document, 2));

/** Where the node's containerd reads a hosts.toml per registry: the folder KIND_LAYOUT.registryHostsDir is mounted at. */
export const KIND_NODE_REGISTRY_HOSTS_DIR = '/etc/containerd/certs.d';

/** The node image made here from the offline bundle cannot pull and runs in this sandbox: containerd clamps a
 *  container's oom_score_adj to its own (without CAP_SYS_RESOURCE runc cannot lower it, and every sandbox fails "failed to
 *  update /proc/self/oom_score_adj"; the kubeadm provider's containerd does the same) and reads registry hosts from
 *  the mounted folder. */
const BUNDLE_NODE_CONTAINERD_PATCH = stringifyToml({
  plugins: { 'io.containerd.grpc.v1.cri': { restrict_oom_score_adj: true, registry: { config_path: KIND_NODE_REGISTRY_HOSTS_DIR } } },
});

/** A published kind node image (`source: packages`, a runner that can pull): KIND_NODE_IMAGES in
 *  matrix/cluster-versions.ts, which a matrix is checked against when it loads. */
export function kindNodeImage(kubernetes: string | undefined): string | undefined {
  if (!kubernetes) return undefined;
  const image = kindNodeImageFor(kubernetes);
  if ('problem' in image) throw new Error(`failed to pick a kind node image: ${image.problem}`);
  return image.picked;
}

/** One control-plane node that is also the worker (kind removes the control-plane taint when there are no workers).
 *  With the node image made from the offline bundle (`node`), also what that image needs, since nothing can be
 *  pulled: kubeadm takes the bundle's images (ClusterConfiguration imageRepository and etcd tag), CoreDNS is skipped
 *  and kube-proxy is off (the bundle has no CoreDNS image, and its kube-proxy image has no iptables: the kubeadm
 *  provider runs neither), kind's default CNI (kindnetd, an image) is off in favour of the bridge the image
 *  carries, the kubelet accepts a cgroup v1 host (failCgroupV1 defaults to true from Kubernetes v1.35:
 *  pkg/kubelet/apis/config/v1beta1/defaults.go:292-293 at v1.35.4), and the registry hosts folder is mounted. */
export function kindClusterConfig(name: string, node?: KindNodeImage): string {
  const cluster = { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', name };
  if (!node) return stringify({ ...cluster, nodes: [{ role: 'control-plane' }], containerdConfigPatches: [KIND_CONTAINERD_PATCH] });
  return stringify({
    ...cluster,
    networking: { disableDefaultCNI: true, kubeProxyMode: 'none', podSubnet: node.podSubnet },
    nodes: [{
      role: 'control-plane',
      extraMounts: [{ hostPath: KIND_LAYOUT.registryHostsDir, containerPath: KIND_NODE_REGISTRY_HOSTS_DIR, readOnly: true }],
    }],
    containerdConfigPatches: [KIND_CONTAINERD_PATCH, BUNDLE_NODE_CONTAINERD_PATCH],
    // kind merges these into the kubeadm config it generates (pkg/cluster/internal/kubeadm/config.go at v0.33.0,
    // whose InitConfiguration already skips preflight, and addon/kube-proxy with kubeProxyMode none: skipPhases is
    // replaced whole, so both are named again).
    kubeadmConfigPatches: [
      stringify({ kind: 'ClusterConfiguration', imageRepository: node.imageRepository,
        etcd: { local: { imageRepository: node.imageRepository, imageTag: node.etcdImageTag } } }),
      stringify({ kind: 'InitConfiguration', skipPhases: ['preflight', 'addon/coredns', 'addon/kube-proxy'] }),
      // NeverVerify: an image loaded into the node (`kind load`) whose ID the kubelet once pulled under a registry
      // name would otherwise be pulled again by its local name to verify credentials, and fail
      // (pkg/kubelet/images/pullmanager/image_pull_policies.go:71-75, defaulted by
      // pkg/kubelet/apis/config/v1beta1/defaults.go:317-320 at v1.35.4).
      stringify({ kind: 'KubeletConfiguration', failCgroupV1: false, imagePullCredentialsVerificationPolicy: 'NeverVerify' }),
    ],
  });
}
