import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { runCommand } from '../exec/run-command.ts';
import { GENERATED_POLICY_PLACEHOLDER, manifestsToYaml, type GeneratedPolicy, type KubeManifest, type PodManifest } from '../manifests/index.ts';
import type { GenpolicyTool } from './runner-inputs.ts';

/** genpolicy's command line for a plan, as kata's auto_generate_policy builds it: the profile's arguments with the pod
 *  file, the settings folder and (when there is one) the config map file filled in. */
export function genpolicyArgv(tool: GenpolicyTool, policy: GeneratedPolicy, podYaml: string, configMapYaml?: string): string[] {
  const fill = (arg: string) => arg.replaceAll('${POD_YAML}', podYaml).replaceAll('${SETTINGS_DIR}', tool.settingsDir)
    .replaceAll('${CONFIGMAP_YAML}', configMapYaml ?? '');
  return [tool.binary, ...policy.args.map(fill), ...(configMapYaml ? policy.configMapArgs.map(fill) : [])];
}

/** Runs the runner's genpolicy on the plan's intended pod (and config map) and returns the manifests to apply with
 *  the generated policy in place of the placeholder. genpolicy rewrites the pod file in place (-y), so it works on
 *  copies in a scratch folder that is removed afterwards. */
export async function withGeneratedPolicy(tool: GenpolicyTool, policy: GeneratedPolicy, manifests: readonly KubeManifest[]): Promise<KubeManifest[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'coco-genpolicy-'));
  try {
    const pod = policy.generateFor.find((m): m is PodManifest => m.kind === 'Pod');
    if (!pod) throw new Error('failed to generate the agent policy: the plan names no pod to generate it for');
    const configMaps = policy.generateFor.filter((m) => m.kind === 'ConfigMap');
    const podYaml = path.join(dir, 'pod.yaml');
    writeFileSync(podYaml, manifestsToYaml([pod]));
    const configMapYaml = configMaps.length ? path.join(dir, 'configmap.yaml') : undefined;
    if (configMapYaml) writeFileSync(configMapYaml, manifestsToYaml(configMaps));
    const argv = genpolicyArgv(tool, policy, podYaml, configMapYaml);
    await runCommand(argv, { env: { RUST_LOG: 'info' }, timeoutMs: 600_000 });
    const generated = YAML.parse(readFileSync(podYaml, 'utf8')) as PodManifest;
    const value = generated.metadata.annotations?.[policy.annotation];
    if (!value) throw new Error(`failed to generate the agent policy: \`${argv.join(' ')}\` wrote no ${policy.annotation} annotation into ${path.basename(podYaml)}`);
    return manifests.map((m) => (m.kind === 'Pod' && m.metadata.annotations?.[policy.annotation] === GENERATED_POLICY_PLACEHOLDER
      ? { ...m, metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, [policy.annotation]: value } } }
      : m));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
