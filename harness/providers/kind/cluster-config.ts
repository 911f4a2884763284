import { stringify } from 'yaml';
import { rewriteToml } from '../../../lib/rewrite-toml.ts';
import { applyGuestPullContainerd } from '../shared/guest-pull-containerd.ts';

/** containerd settings guest pull needs on the kind node (applyGuestPullContainerd), as a patch kind merges into
 *  the node's containerd config. */
export const KIND_CONTAINERD_PATCH = rewriteToml('', applyGuestPullContainerd);

/** kind node images published with kind v0.24.0, by Kubernetes minor version. A full version (1.30.4) is used as is. */
const KIND_NODE_IMAGES: Record<string, string> = {
  '1.31': 'kindest/node:v1.31.0',
  '1.30': 'kindest/node:v1.30.4',
  '1.29': 'kindest/node:v1.29.8',
  '1.28': 'kindest/node:v1.28.13',
};

export function kindNodeImage(kubernetes: string | undefined): string | undefined {
  if (!kubernetes) return undefined;
  const bare = kubernetes.replace(/^v/, '');
  if (/^\d+\.\d+\.\d+$/.test(bare)) return `kindest/node:v${bare}`;
  const image = KIND_NODE_IMAGES[bare];
  if (!image) {
    throw new Error(`failed to pick a kind node image: Kubernetes ${kubernetes} is not one of ${Object.keys(KIND_NODE_IMAGES).join(', ')} (give a full version like 1.30.4)`);
  }
  return image;
}

/** One control-plane node that is also the worker (kind removes the control-plane taint when there are no workers). */
export function kindClusterConfig(name: string): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name,
    nodes: [{ role: 'control-plane' }],
    containerdConfigPatches: [KIND_CONTAINERD_PATCH],
  });
}
