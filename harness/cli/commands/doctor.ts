import { readBundleCache } from '../../doctor/bundle-cache.ts';
import { readClusterReach } from '../../doctor/cluster-reach.ts';
import { readGenpolicy } from '../../doctor/genpolicy.ts';
import { checkRequirements } from '../../doctor/requirements.ts';
import { readTeeSupport } from '../../doctor/tee-support.ts';
import { readToolVersions } from '../../doctor/tool-versions.ts';
import { EXIT_CODES, parseArguments, type CommandSyntax } from '../arguments.ts';

/** What `doctor --json` prints; the version changes when a field changes meaning or goes. */
export const DOCTOR_JSON_SCHEMA_VERSION = 1;

const DOCTOR_SYNTAX = {
  name: 'doctor',
  flags: {
    json: { takes: 'switch', description: `print everything as JSON (schemaVersion ${DOCTOR_JSON_SCHEMA_VERSION})` },
    'hardware-runner': { takes: 'switch', description: 'a TEE runner with its own cluster (existing, or kubeadm from packages): only what its run needs (skopeo, go, helm)' },
  },
  exitCodes: { 0: 'everything a run needs is here', 1: 'something a run needs is missing or too old (each such line says how to get it)', 2: EXIT_CODES[2] },
  details: 'Checks what a run needs (skopeo, opa, go, helm, chromium, the offline bundle), then shows the host\'s TEE\n' +
    'support, the other tools\' versions and whether the kubeconfig\'s cluster answers (information only).',
} as const satisfies CommandSyntax;

/** `doctor`: what this runner has and lacks — what a run needs (exit 1 when any is missing or too old), host TEE
 *  switches, other tools, the offline bundle, a reachable cluster. Plain lines fit for a CI log, or JSON. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { flags } = parseArguments(argv, DOCTOR_SYNTAX);
  const [requirements, tools, cluster, genpolicy] = await Promise.all([
    checkRequirements(process.env, { hardwareRunner: flags['hardware-runner'] === true }), readToolVersions(), readClusterReach(), readGenpolicy(),
  ]);
  const tee = readTeeSupport();
  const bundle = readBundleCache();
  const missing = requirements.filter((r) => !r.ok);
  const exitCode = missing.length ? 1 : 0;
  if (flags.json) {
    console.log(JSON.stringify({ schemaVersion: DOCTOR_JSON_SCHEMA_VERSION, ok: exitCode === 0, requirements, tee, tools, genpolicy, bundle, cluster }, null, 2));
    return exitCode;
  }
  const lines: string[] = ['what a run needs'];
  for (const r of requirements) {
    lines.push(`  ${(r.ok ? 'ok' : 'MISSING').padEnd(8)} ${r.need.padEnd(26)} ${r.found}${r.fix ? `; get it: ${r.fix}` : ''}`);
  }
  lines.push('', 'host TEE support');
  for (const t of tee) {
    lines.push(`  ${t.tee.padEnd(8)} ${(t.enabled ? 'yes' : 'no').padEnd(4)} ${t.file}: ${t.evidence}`);
  }
  lines.push('', 'tools');
  for (const tool of tools) lines.push(`  ${tool.tool.padEnd(11)} ${tool.version}`);
  lines.push(`  ${'genpolicy'.padEnd(11)} ${genpolicy.detail}`);
  lines.push('', 'offline bundle');
  lines.push(
    bundle.present
      ? `  ${bundle.expected}: ${bundle.binaries.length} binaries (${bundle.binaries.join(', ')}), ${bundle.images} image archives`
      : `  ${bundle.expected}: absent (build it with scripts/bundle/build.sh)`,
    bundle.runtime.present
      ? `  ${bundle.runtime.dir}: ${bundle.runtime.binaries.join(', ')}`
      : `  ${bundle.runtime.dir}: absent (build it with scripts/bundle/build.sh)`,
  );
  lines.push('', 'cluster');
  lines.push(`  ${cluster.kubeconfig ? `${cluster.kubeconfig}: ` : ''}${cluster.detail}`);
  if (missing.length) lines.push('', `${missing.length} of ${requirements.length} needs missing or too old: ${missing.map((r) => r.need).join(', ')}`);
  console.log(lines.join('\n'));
  return exitCode;
}
