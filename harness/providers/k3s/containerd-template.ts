import { rewriteToml } from '../../../lib/rewrite-toml.ts';
import { applyGuestPullContainerd } from '../shared/guest-pull-containerd.ts';

/** Where k3s reads a containerd config template from; when present it replaces the config k3s generates. */
export const K3S_CONTAINERD_DIR = '/var/lib/rancher/k3s/agent/etc/containerd';
export const K3S_GENERATED_CONFIG = `${K3S_CONTAINERD_DIR}/config.toml`;
export const K3S_CONFIG_TEMPLATE = `${K3S_CONTAINERD_DIR}/config.toml.tmpl`;

/** The template is k3s's own generated config with the settings guest pull needs set in it (as kata-deploy does on
 *  k3s), not a hand-written full config: a full config would drift from what the pinned k3s version expects, and
 *  appending to `{{ template "base" . }}` cannot change keys the base already sets (TOML forbids a table twice).
 *  Read and written with a TOML library: the generated config's comments go, its settings stay. */
export function k3sContainerdTemplate(generated: string): string {
  return rewriteToml(generated, applyGuestPullContainerd);
}

/** k3s release per Kubernetes minor version; a full k3s version (v1.30.4+k3s1) is used as is. */
const K3S_VERSIONS: Record<string, string> = {
  '1.31': 'v1.31.1+k3s1',
  '1.30': 'v1.30.5+k3s1',
  '1.29': 'v1.29.9+k3s1',
  '1.28': 'v1.28.14+k3s1',
};

export function k3sVersion(kubernetes: string | undefined): string {
  const bare = (kubernetes ?? '1.30').replace(/^v/, '');
  if (bare.includes('+k3s')) return `v${bare}`;
  const version = K3S_VERSIONS[bare];
  if (!version) throw new Error(`failed to pick a k3s version: Kubernetes ${kubernetes} is not one of ${Object.keys(K3S_VERSIONS).join(', ')} (give a full k3s version like 1.30.5+k3s1)`);
  return version;
}
