import { readBundleCache } from '../../doctor/bundle-cache.ts';
import { readClusterReach } from '../../doctor/cluster-reach.ts';
<<<<<<< HEAD
import { checkRequirements } from '../../doctor/requirements.ts';
=======
import { readGenpolicy } from '../../doctor/genpolicy.ts';
>>>>>>> 946e596 (Agent policy, trusted ephemeral storage and measured rootfs: claims per release and platform from the notes and kata's bats at each tag, the guest-protection facts as profile data, three suites (hard-coded exec refusal, genpolicy-generated policies and their eight refusal cases, LUKS emptyDir and the host's view of it, wrong dm-verity root hash), genpolicy as a runner input with a doctor line, plan lists a single cell's tests)
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
  const [requirements, tools, cluster] = await Promise.all([checkRequirements(process.env, { hardwareRunner: flags['hardware-runner'] === true }), readToolVersions(), readClusterReach()]);
  const tee = readTeeSupport();
  const bundle = readBundleCache();
  const missing = requirements.filter((r) => !r.ok);
  const exitCode = missing.length ? 1 : 0;
  if (flags.json) {
    console.log(JSON.stringify({ schemaVersion: DOCTOR_JSON_SCHEMA_VERSION, ok: exitCode === 0, requirements, tee, tools, bundle, cluster }, null, 2));
    return exitCode;
  }
<<<<<<< HEAD
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
=======
  const [tools, cluster, genpolicy] = await Promise.all([readToolVersions(), readClusterReach(), readGenpolicy()]);
  const lines: string[] = ['host TEE support'];
  for (const tee of readTeeSupport()) {
    lines.push(`  ${tee.tee.padEnd(8)} ${(tee.enabled ? 'yes' : 'no').padEnd(4)} ${tee.file}: ${tee.evidence}`);
  }
  lines.push('', 'tools');
  for (const tool of tools) lines.push(`  ${tool.tool.padEnd(11)} ${tool.version}`);
  lines.push(`  ${'genpolicy'.padEnd(11)} ${genpolicy.detail}`);
  const bundle = readBundleCache();
>>>>>>> 946e596 (Agent policy, trusted ephemeral storage and measured rootfs: claims per release and platform from the notes and kata's bats at each tag, the guest-protection facts as profile data, three suites (hard-coded exec refusal, genpolicy-generated policies and their eight refusal cases, LUKS emptyDir and the host's view of it, wrong dm-verity root hash), genpolicy as a runner input with a doctor line, plan lists a single cell's tests)
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
