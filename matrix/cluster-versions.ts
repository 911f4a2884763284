import { readFileSync } from 'node:fs';
import type { ClusterSpec } from './cell.ts';
import { sourcePath } from './source-root.ts';

/** The Kubernetes versions each cluster provider can bring up: the kind node images and k3s releases it pins, and
 *  the one version of the offline bundle. Here, below the providers, so that loading a matrix refuses a version no
 *  provider has (check-runner-matrix.ts) with the same tables the providers then pick from. */

/** kind node images published with kind v0.24.0, by Kubernetes minor version. A full version (1.30.4) is used as is. */
export const KIND_NODE_IMAGES: Readonly<Record<string, string>> = {
  '1.31': 'kindest/node:v1.31.0',
  '1.30': 'kindest/node:v1.30.4',
  '1.29': 'kindest/node:v1.29.8',
  '1.28': 'kindest/node:v1.28.13',
};

/** k3s release per Kubernetes minor version. Each is a k3s release in k3s-io/docs docs/release-notes/v1.<minor>.X.md,
 *  with the containerd it ships (the containerd whose config keys test/providers/k3s-template.spec.ts checks the
 *  template against). */
export const K3S_VERSIONS: Readonly<Record<string, string>> = {
  '1.35': 'v1.35.2+k3s1', // containerd v2.1.5-k3s1 (v1.35.X.md at 1349cf8a, table row v1.35.2+k3s1)
  '1.34': 'v1.34.2+k3s1', // containerd v2.1.5-k3s1 (v1.34.X.md at 0887158f, table row v1.34.2+k3s1)
  '1.31': 'v1.31.1+k3s1', // containerd v1.7.21-k3s2 (v1.31.X.md at 0ebd73db, table row v1.31.1+k3s1)
  '1.30': 'v1.30.5+k3s1', // containerd 1.7.x: INFERRED (before v1.31.6+k3s1, the first with containerd 2.0)
  '1.29': 'v1.29.9+k3s1', // containerd 1.7.x: INFERRED (likewise)
  '1.28': 'v1.28.14+k3s1', // containerd 1.7.x: INFERRED (likewise)
};

const BUNDLE_VERSIONS_FILE = 'scripts/bundle/versions.env';

let bundleVersions: Readonly<Record<string, string>> | undefined;

/** The offline bundle's pinned versions (KUBE_VERSION=v1.35.4, …): the file scripts/bundle/build.sh sources, read
 *  once (a matrix asks for each of its bundle clusters, a provider again). */
export function offlineBundleVersions(): Readonly<Record<string, string>> {
  return bundleVersions ??= Object.freeze(Object.fromEntries(readFileSync(sourcePath(BUNDLE_VERSIONS_FILE), 'utf8').split('\n')
    .map((line) => line.match(/^([A-Z_]+)=(.*)$/)).filter((m): m is RegExpMatchArray => m !== null).map((m) => [m[1]!, m[2]!])));
}

/** A version a provider has, or why it has none (one sentence naming the versions it has). */
export type PickedVersion = { picked: string } | { problem: string };

/** The published kind node image (`source: packages`, a runner that can pull) for a Kubernetes version. */
export function kindNodeImageFor(kubernetes: string): PickedVersion {
  const bare = kubernetes.replace(/^v/, '');
  if (/^\d+\.\d+\.\d+$/.test(bare)) return { picked: `kindest/node:v${bare}` };
  const image = KIND_NODE_IMAGES[bare];
  if (image) return { picked: image };
  return { problem: `kind has no node image for Kubernetes ${kubernetes} (it pins ${Object.keys(KIND_NODE_IMAGES).join(', ')}: the images kind v0.24.0 published; or give a full version like 1.30.4)` };
}

/** The k3s release for a Kubernetes minor version. A full k3s version (v1.30.4+k3s1), which a provider may be given
 *  but a matrix may not (its kubernetes is a version number), is used as is. */
export function k3sReleaseFor(kubernetes: string): PickedVersion {
  const bare = kubernetes.replace(/^v/, '');
  if (bare.includes('+k3s')) return { picked: `v${bare}` };
  const release = K3S_VERSIONS[bare];
  if (release) return { picked: release };
  return { problem: `k3s has no release for Kubernetes ${kubernetes} (it pins one per minor: ${Object.keys(K3S_VERSIONS).join(', ')})` };
}

/** The offline bundle's Kubernetes (`source: bundle`, kubeadm or kind's node image made from it), when the version
 *  asked for is its minor or exactly its version. */
export function bundleKubernetesFor(kubernetes: string): PickedVersion {
  const bundled = offlineBundleVersions().KUBE_VERSION ?? '';
  const bare = kubernetes.replace(/^v/, '');
  if (bundled === `v${bare}` || bundled.startsWith(`v${bare}.`)) return { picked: bundled };
  return { problem: `the offline bundle (source: bundle) has Kubernetes ${bundled} only (KUBE_VERSION in ${BUNDLE_VERSIONS_FILE}), not ${kubernetes}` };
}

/** Why the provider of `cluster` has nothing for its Kubernetes version, or undefined when it has. kubeadm from
 *  packages runs whatever kubeadm the runner installed and an existing cluster the version it has: neither has a
 *  table, so neither is ever refused. */
export function clusterVersionProblem(cluster: ClusterSpec): string | undefined {
  const { distro, kubernetes, source } = cluster;
  if (kubernetes === undefined || distro === 'existing') return undefined;
  let picked: PickedVersion | undefined;
  if (source === 'bundle') picked = bundleKubernetesFor(kubernetes);
  else if (distro === 'kind') picked = kindNodeImageFor(kubernetes);
  else if (distro === 'k3s') picked = k3sReleaseFor(kubernetes);
  return picked && 'problem' in picked ? picked.problem : undefined;
}
