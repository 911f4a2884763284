import { rewriteToml } from '../../../lib/rewrite-toml.ts';
import { k3sReleaseFor } from '../../../matrix/cluster-versions.ts';
import { applyGuestPullContainerd, type ContainerdConfigVersion } from '../shared/guest-pull-containerd.ts';

/** Where k3s writes its containerd config and reads a template for it (docs.k3s.io advanced, "Configuring
 *  containerd"; k3s-io/docs docs/advanced.md at 05051a0a). */
export const K3S_CONTAINERD_DIR = '/var/lib/rancher/k3s/agent/etc/containerd';
export const K3S_GENERATED_CONFIG = `${K3S_CONTAINERD_DIR}/config.toml`;
/** The template k3s reads per config version: config-v3.toml.tmpl first, rendered with the version 3 base, else
 *  config.toml.tmpl with the version 2 base (k3s pkg/agent/containerd/config.go:31-42, templateGenerations, at main
 *  06ea261c, not read at a k3s tag: at the pinned tags this is INFERRED from the docs, which
 *  say the same since containerd 2.0 came in v1.31.6+k3s1/v1.32.2+k3s1). kata-deploy picks the file the same way,
 *  by the version of the config k3s generated (kata 3.31.0 tools/packaging/kata-deploy/binary/src/config.rs:14-46). */
export const K3S_CONFIG_TEMPLATES: Record<ContainerdConfigVersion, string> = {
  3: `${K3S_CONTAINERD_DIR}/config-v3.toml.tmpl`,
  2: `${K3S_CONTAINERD_DIR}/config.toml.tmpl`,
};

export interface K3sContainerdTemplate {
  /** The template file k3s reads for this config version. */
  path: string;
  text: string;
  version: ContainerdConfigVersion;
}

/** The template is k3s's own generated config with the settings guest pull needs set in it, keyed as its version
 *  keys them, not a hand-written full config: a full config would drift from what the pinned k3s version expects.
 *  Not `{{ template "base" . }}` with tables after it: the base already declares the image table guest pull must
 *  change (when a snapshotter is set, as it always is), and TOML forbids a table twice — k3s concatenates the two
 *  (k3s-io/k3s#13678; k3s-io/docs#566 reports containerd failing "toml: table runc already exists"). Read and
 *  written with a TOML library: the generated config's comments go, its settings stay. The generated config holds
 *  no template action, so text/template renders it as it is (test/providers/k3s-template.spec.ts runs it through
 *  Go's text/template). */
export function k3sContainerdTemplate(generated: string): K3sContainerdTemplate {
  let version: ContainerdConfigVersion | undefined;
  const text = rewriteToml(generated, (document) => {
    version = configVersion(document.version);
    applyGuestPullContainerd(document, version);
  });
  return { path: K3S_CONFIG_TEMPLATES[version!], text, version: version! };
}

function configVersion(value: unknown): ContainerdConfigVersion {
  if (value === 2n || value === 3n) return Number(value) as ContainerdConfigVersion;
  throw new Error(`failed to write k3s's containerd template: ${K3S_GENERATED_CONFIG} says version = ${value === undefined ? '(nothing)' : String(value)}, not 2 or 3`);
}

/** The config version a k3s release generates: 3 from the releases that bring containerd 2.0, v1.31.6+k3s1 and
 *  v1.32.2+k3s1 (k3s-io/docs docs/advanced.md at 05051a0a, "Configuring containerd" version gate), 2 before. What a
 *  dry run shows; a real run keys on the version of the config k3s generated. */
export function k3sContainerdConfigVersion(k3s: string): ContainerdConfigVersion {
  const [minor, patch] = (k3s.match(/^v?1\.(\d+)\.(\d+)\+k3s\d+$/) ?? []).slice(1).map(Number);
  if (minor === undefined || patch === undefined) throw new Error(`failed to read k3s version ${k3s} (like v1.35.2+k3s1)`);
  return minor > 32 || (minor === 32 && patch >= 2) || (minor === 31 && patch >= 6) ? 3 : 2;
}

/** The k3s release for a Kubernetes minor version, or a full k3s version as is (k3sReleaseFor: the versions a matrix
 *  is checked against when it loads). */
export function k3sVersion(kubernetes: string | undefined): string {
  const release = k3sReleaseFor(kubernetes ?? '1.30');
  if ('problem' in release) throw new Error(`failed to pick a k3s version: ${release.problem}`);
  return release.picked;
}
