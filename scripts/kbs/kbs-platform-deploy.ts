import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KbsIbmSeDeploy, KbsTdxDeploy } from '../../matrix/release-profile.ts';
import type { ProviderContext } from '../providers/cluster-provider.ts';
import { HARNESS_LABEL_KEY, HARNESS_LABEL_VALUE } from '../../fixtures/cluster/harness-labels.ts';
import { stepCommand, stepFile } from '../providers/shared/step-command.ts';
import type { KbsDeployPlan } from './kbs-recipe-paths.ts';
import { type KbsRunnerInputs, type NeededRunnerInput, runnerInput } from './kbs-runner-inputs.ts';

/** The runner inputs a deploy directory needs (see kbs-runner-inputs.ts for how they are given). */
export function runnerInputsNeeded(plan: KbsDeployPlan, persistentVolume: string | undefined): NeededRunnerInput[] {
  const needed: NeededRunnerInput[] = [];
  if (plan.platform === 'tdx') needed.push({ key: 'pccsUrl', why: `the PCCS URL ${plan.tdx.qcnlConfig} points the KBS at on tdx` });
  if (plan.platform === 'se') needed.push({ key: 'ibmSeCredsDir', why: `the IBM SE credentials directory on the KBS node, holding ${plan.se.credentialFiles.join(', ')}` });
  else if (persistentVolume) {
    needed.push({ key: 'ibmSeCredsDir', why: `the node directory the local PersistentVolume ${basename(persistentVolume)} points at; trustee's deploy-kbs.sh requires it on this arch` });
  }
  return needed;
}

/** TDX: the sgx_default_qcnl.conf kata's confidential_kbs.sh:293-302 (3.7.0) writes into custom_pccs/ — the runner's
 *  PCCS and whether its certificate must verify. */
export function qcnlConfig(pccsUrl: string, useSecureCert: boolean): string {
  return `${JSON.stringify({ pccs_url: pccsUrl, use_secure_cert: useSecureCert }, null, 1)}\n`;
}

export async function prepareTdx(ctx: ProviderContext, root: string, tdx: KbsTdxDeploy, inputs: KbsRunnerInputs): Promise<void> {
  await stepFile(ctx, 'kbs', join(root, tdx.qcnlConfig), qcnlConfig(runnerInput(inputs, 'pccsUrl'), tdx.useSecureCert));
}

/** IBM SE: the credentials directory must hold what trustee's README.md:94-113 lists before the KBS mounts it;
 *  a KBS without them starts fine and fails every SE attestation later, far from the cause. Checked where the
 *  harness runs, which upstream (confidential_kbs.sh runs on the node) and a single-node SE runner take as the node. */
export async function checkIbmSeCredentials(ctx: ProviderContext, se: KbsIbmSeDeploy, inputs: KbsRunnerInputs): Promise<void> {
  const dir = runnerInput(inputs, 'ibmSeCredsDir');
  ctx.record('kbs', `# check the IBM SE credentials in ${dir}: ${se.credentialFiles.join(', ')}`);
  if (ctx.dryRun) return;
  const missing = await missingFiles(dir, se.credentialFiles);
  if (missing.length) throw new Error(`failed to deploy KBS: the IBM SE credentials directory ${dir} lacks ${missing.join(', ')}`);
}

/** The patterns (relative paths, `*` within the last name) with no matching file under dir. */
export async function missingFiles(dir: string, patterns: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const pattern of patterns) {
    const names = await readdir(join(dir, dirname(pattern))).catch(() => [] as string[]);
    const wanted = namePattern(basename(pattern));
    if (!names.some((name) => wanted.test(name))) missing.push(pattern);
  }
  return missing;
}

function namePattern(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

/** deploy-kbs.sh:25-33 at the trustee ref: on s390x, `envsubst < overlays/s390x/pv.yaml | kubectl apply -f -` with
 *  IBM_SE_CREDS_DIR and NODE_NAME, before the kustomization whose PVC binds to it. The harness also labels the PV
 *  (cluster-scoped, outside the kustomization) so teardown finds it. Returns the manifest written. */
export async function applyPersistentVolume(
  ctx: ProviderContext,
  kubectl: (...args: string[]) => string[],
  template: string,
  manifest: string,
  inputs: KbsRunnerInputs,
  nodeName: string,
): Promise<string> {
  const credsDir = runnerInput(inputs, 'ibmSeCredsDir');
  const content = ctx.dryRun
    ? `<${template} with IBM_SE_CREDS_DIR=${credsDir}, NODE_NAME=${nodeName}, labelled ${HARNESS_LABEL_KEY}=${HARNESS_LABEL_VALUE}>`
    : persistentVolumeManifest(await readTemplate(template), { IBM_SE_CREDS_DIR: credsDir, NODE_NAME: nodeName });
  await stepFile(ctx, 'kbs', manifest, content);
  await stepCommand(ctx, 'kbs', kubectl('apply', '-f', manifest));
  return manifest;
}

async function readTemplate(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`failed to read the KBS persistent volume template ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** envsubst of exactly the variables deploy-kbs.sh exports, plus the harness label. A variable left over means the
 *  template changed upstream and would reach the cluster as a literal "${…}". */
export function persistentVolumeManifest(template: string, vars: Record<string, string>): string {
  const substituted = template.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole);
  const left = substituted.match(/\$\{[A-Za-z_][A-Za-z0-9_]*\}/g);
  if (left) throw new Error(`failed to prepare the KBS persistent volume: the template still names ${[...new Set(left)].join(', ')}`);
  const doc = parse(substituted) as { metadata?: { labels?: Record<string, string> } };
  doc.metadata = { ...doc.metadata, labels: { ...doc.metadata?.labels, [HARNESS_LABEL_KEY]: HARNESS_LABEL_VALUE } };
  return stringify(doc);
}
