/** What a platform's KBS needs besides trustee's directory: the runner's inputs (a PCCS, an ITA key, SE credentials)
 *  and what the harness writes or applies with them. */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { TomlTable } from 'smol-toml';
import { isMap } from '../../matrix/object-path.ts';
import type { KbsFileEdit, KbsIbmSeDeploy, KbsNvidiaVerifier, KbsTdxDeploy } from '../../matrix/release-profile.ts';
import { rewriteToml } from '../../lib/rewrite-toml.ts';
import { HARNESS_LABEL_KEY, HARNESS_LABEL_VALUE } from '../../lib/cluster/index.ts';
import { registerSecret } from '../../lib/exec/redact.ts';
import { SECURE_IMAGE_INPUT_ENV } from '../../lib/manifests/index.ts';
import type { ProviderContext } from '../providers/cluster-provider.ts';
import { stepCommand, stepFile } from '../providers/shared/step-command.ts';
import type { KbsDeployPlan } from './trustee-layout.ts';

/** The runner inputs a deploy directory needs (see kbs-runner-inputs.ts for how they are given). */
export function runnerInputsNeeded(plan: KbsDeployPlan, persistentVolume: string | undefined): NeededRunnerInput[] {
  const needed: NeededRunnerInput[] = [];
  if (plan.platform === 'tdx' && plan.tdx.kind === 'custom-pccs') {
    needed.push({ key: 'pccsUrl', why: `the PCCS URL ${plan.tdx.qcnlConfig} points the KBS at on tdx` });
  }
  if (plan.platform === 'tdx' && plan.tdx.kind === 'ita') {
    needed.push({ key: 'itaApiKey', why: `the Intel Trust Authority API key ${plan.tdx.configFile} needs on tdx` });
  }
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

/** TDX: custom-pccs writes the QCNL file; ita puts the runner's API key into the ITA build's configuration where
 *  kata's confidential_kbs.sh (3.11.0 … 3.29.0) seds ITA_KEY in, then makes the release's further edits (kata 3.21.0's
 *  extra_teekey_paths and policy.rego path for trustee v0.15.0's ITA v2 appraisal API). */
export async function prepareTdx(ctx: ProviderContext, root: string, tdx: KbsTdxDeploy, inputs: KbsRunnerInputs): Promise<void> {
  if (tdx.kind === 'custom-pccs') {
    await stepFile(ctx, 'kbs', join(root, tdx.qcnlConfig), qcnlConfig(runnerInput(inputs, 'pccsUrl'), tdx.useSecureCert));
    return;
  }
  const file = join(root, tdx.configFile);
  const edits = tdx.edits ?? [];
  const configEdits = edits.filter((edit) => edit.file === tdx.configFile);
  const shown = `<${tdx.configFile} with ${JSON.stringify(tdx.keyPlaceholder)} replaced by ${KBS_RUNNER_INPUT_ENV.itaApiKey}` +
    `${configEdits.map((edit) => `, ${describeEdit(edit)}`).join('')}: not shown>`;
  if (ctx.dryRun) {
    await stepFile(ctx, 'kbs', file, '', { shown });
  } else {
    const text = await readTrusteeText(file, 'the ITA configuration');
    if (!text.includes(tdx.keyPlaceholder)) {
      throw new Error(`failed to configure the ITA KBS: ${file} does not contain ${JSON.stringify(tdx.keyPlaceholder)} (kbs.deployDirs.tdx.keyPlaceholder)`);
    }
    const keyed = text.replaceAll(tdx.keyPlaceholder, runnerInput(inputs, 'itaApiKey'));
    await stepFile(ctx, 'kbs', file, configEdits.reduce((out, edit) => applyKbsFileEdit(out, edit, file), keyed), { mode: 0o600, shown });
  }
  // The other files' edits carry no secret: shown in full.
  const byFile = new Map<string, KbsFileEdit[]>();
  for (const edit of edits) if (edit.file !== tdx.configFile) byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), edit]);
  for (const [name, fileEdits] of byFile) {
    const path = join(root, name);
    if (ctx.dryRun) {
      await stepFile(ctx, 'kbs', path, '', { shown: `<${name} with ${fileEdits.map(describeEdit).join(', ')}>` });
      continue;
    }
    const text = await readTrusteeText(path, 'a trustee file the release edits');
    await stepFile(ctx, 'kbs', path, fileEdits.reduce((out, edit) => applyKbsFileEdit(out, edit, path), text));
  }
}

/** NVIDIA GPU: the verifier type trustee's deploy-kbs.sh writes from NVIDIA_VERIFIER_MODE (kata's GPU workflow sets
 *  remote), set in the KBS configuration with a TOML library: the table is added where the file has none and its
 *  `type` replaced where it has one, as deploy-kbs.sh does from trustee f5cb8fc on. */
export async function prepareNvidiaVerifier(ctx: ProviderContext, root: string, verifier: KbsNvidiaVerifier): Promise<void> {
  const file = join(root, verifier.configFile);
  if (ctx.dryRun) {
    await stepFile(ctx, 'kbs', file, '', { shown: `<${verifier.configFile} with [${verifier.table}] type = ${JSON.stringify(verifier.type)}>` });
    return;
  }
  await stepFile(ctx, 'kbs', file, withNvidiaVerifier(await readTrusteeText(file, 'the KBS configuration'), verifier));
}

/** The KBS configuration with `[<table>] type = "<type>"`, every other value as it was. */
export function withNvidiaVerifier(text: string, verifier: KbsNvidiaVerifier): string {
  return rewriteToml(text, (document) => {
    let table: TomlTable = document;
    for (const key of verifier.table.split('.')) {
      const next = table[key];
      if (next !== undefined && (!isMap(next) || next instanceof Date)) {
        throw new Error(`failed to set the NVIDIA verifier in ${verifier.configFile}: ${key} of ${verifier.table} is not a table`);
      }
      table = (table[key] ??= {}) as TomlTable;
    }
    table.type = verifier.type;
  });
}

/** One of kata's `sed -i` edits, on the text of `file`. An edit that changes nothing means trustee's file is not what
 *  kata edited at that ref: an error, not a silent no-op. */
export function applyKbsFileEdit(text: string, edit: KbsFileEdit, file: string): string {
  const lines = text.split('\n');
  let changed = false;
  const out = lines.flatMap((line) => {
    if (edit.edit === 'append') {
      if (!line.includes(edit.after)) return [line];
      changed = true;
      return [line, edit.line];
    }
    if (!line.includes(edit.find)) return [line];
    changed = true;
    return [line.replace(edit.find, () => edit.replace)];
  });
  if (!changed) {
    throw new Error(`failed to edit ${file} as the release's kata does (${describeEdit(edit)}): no line contains ${JSON.stringify(edit.edit === 'append' ? edit.after : edit.find)}`);
  }
  return out.join('\n');
}

function describeEdit(edit: KbsFileEdit): string {
  return edit.edit === 'append'
    ? `${JSON.stringify(edit.line)} appended after the line with ${JSON.stringify(edit.after)}`
    : `the first ${JSON.stringify(edit.find)} on each line replaced by ${JSON.stringify(edit.replace)}`;
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

/** deploy-kbs.sh:25-33 at trustee e890fc9: on s390x (later refs: on IBM SE only, overlays/ibm-se/pv.yaml), `envsubst < overlays/s390x/pv.yaml | kubectl apply -f -` with
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
  return readTrusteeText(file, 'the KBS persistent volume template');
}

export async function readTrusteeText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`failed to read ${what} ${file}: ${(error as Error).message}`, { cause: error });
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

/** What only the runner can give the KBS deploy: machine-specific values no release profile can hold. */
export interface KbsRunnerInputs {
  /** TDX: the PCCS the KBS's QCNL library asks for collateral (kata's CI runs one at https://<host>:8081/sgx/certification/v4/). */
  pccsUrl?: string;
  /** TDX with the Intel Trust Authority build (CoCo 0.11–0.20): the ITA API key kata's CI passes as ITA_KEY. A secret. */
  itaApiKey?: string;
  /** s390x: a directory on the KBS node for the local PersistentVolume; on IBM SE it holds the SE credentials. */
  ibmSeCredsDir?: string;
}

/** The environment variables a runner sets for each input. */
export const KBS_RUNNER_INPUT_ENV = {
  pccsUrl: 'COCO_TDX_PCCS_URL',
  itaApiKey: 'COCO_ITA_API_KEY',
  // The same folder the secure image rebuild writes the KBS's image header into (lib/manifests/secure-image-rebuild.ts).
  ibmSeCredsDir: SECURE_IMAGE_INPUT_ENV.credsDir,
} as const satisfies Record<keyof KbsRunnerInputs, string>;

/** Reads the runner inputs from the environment; an empty variable counts as not given. */
export function kbsRunnerInputsFromEnv(env: NodeJS.ProcessEnv): KbsRunnerInputs {
  const value = (name: string) => env[name]?.trim() || undefined;
  const itaApiKey = value(KBS_RUNNER_INPUT_ENV.itaApiKey);
  if (itaApiKey) registerSecret(itaApiKey, 'ITA API key');
  return { pccsUrl: value(KBS_RUNNER_INPUT_ENV.pccsUrl), itaApiKey, ibmSeCredsDir: value(KBS_RUNNER_INPUT_ENV.ibmSeCredsDir) };
}

/** One input a deploy needs, and why (for the error that names it). */
export interface NeededRunnerInput {
  key: keyof KbsRunnerInputs;
  why: string;
}

/** A real run stops before touching anything when an input is missing, naming every one and what it is for; a dry
 *  run goes on with placeholders, so a cell's commands can be planned on a machine that is not its runner. */
export function checkRunnerInputs(inputs: KbsRunnerInputs, needed: readonly NeededRunnerInput[], dryRun: boolean): void {
  const missing = needed.filter(({ key }) => !inputs[key]);
  if (dryRun || !missing.length) return;
  const named = missing.map(({ key, why }) => `${KBS_RUNNER_INPUT_ENV[key]} (${why})`);
  throw new Error(`failed to deploy KBS: missing runner input ${named.join('; ')}`);
}

/** The input's value, or in a dry run without it the placeholder `<ENV_NAME>`. */
export function runnerInput(inputs: KbsRunnerInputs, key: keyof KbsRunnerInputs): string {
  return inputs[key] ?? `<${KBS_RUNNER_INPUT_ENV[key]}>`;
}
