import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateAdminKeyPair } from '../../lib/kbs/admin-key-pair.ts';
import type { KbsRecipe } from '../../matrix/release-profile.ts';
import { selectsHandler } from '../../matrix/index.ts';
import type { KbsEndpoint } from '../../lib/suite-environment.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { registerSecret } from '../../lib/exec/redact.ts';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { podsRunning } from '../../lib/cluster/wait/index.ts';
import { DRY_RUN_NODE_IP, waitInCluster } from '../providers/shared/node-list.ts';
import { kubectlArgv, stepCommand, stepFile } from '../providers/shared/step-command.ts';
import {
  applyPersistentVolume, checkIbmSeCredentials, checkRunnerInputs, prepareNvidiaVerifier, prepareTdx, readTrusteeText, runnerInputsNeeded, type KbsRunnerInputs,
} from './platform-extras.ts';
import { checkBaseImageName, kbsKustomization, kbsPaths, TRUSTEE_REPOSITORY } from './trustee-layout.ts';

/** A KBS the suites can use: deployed by the harness (and so removed by it) or given from outside. */
export interface DeployedKbs {
  endpoint: KbsEndpoint;
  deployedByHarness: boolean;
  image?: string;
  /** The kustomization applied, for teardown. */
  kustomization?: string;
  /** Manifests applied outside the kustomization (s390x's PersistentVolume), removed after it. */
  manifests?: string[];
  kubeconfig?: string;
  context?: string;
}

export interface KbsDeployInput {
  recipe: KbsRecipe;
  platform: PlatformId;
  /** The platform's runtime class handler: its KATA_HYPERVISOR chooses the trustee deploy directory
   *  (kbs.deployDirs: the TDX one, custom_pccs or ita; the SE one), as kata's confidential_kbs.sh does. */
  handler: string;
  arch: Arch;
  cluster: ProvisionedCluster;
  /** The node whose InternalIP the guest reaches the NodePort on. */
  nodeIp: string;
  /** Its name: s390x's local PersistentVolume is pinned to it. */
  nodeName: string;
  readyTimeoutSeconds: number;
  /** A local trustee checkout to use instead of cloning (air-gapped runners). */
  trusteeCheckout?: string;
  /** Machine-specific values (PCCS URL, ITA key, IBM SE credentials directory); see platform-extras.ts. */
  runnerInputs?: KbsRunnerInputs;
}

type KbsPaths = ReturnType<typeof kbsPaths>;
type Kubectl = (...args: string[]) => string[];

/** Trustee's kustomize at the pinned ref, as kata's confidential_kbs.sh drives deploy-kbs.sh: a secret in the
 *  overlay's key.bin (overlays/<arch> until trustee's flat layout, overlays or overlays/ibm-se after), a fresh Ed25519
 *  admin key pair as base/kbs.key + base/kbs.pem, the platform's extras (TDX's PCCS or ITA key, SE's credentials, a
 *  PersistentVolume), then the harness's kustomization over the deploy dir. */
export async function deployKbs(ctx: ProviderContext, input: KbsDeployInput): Promise<DeployedKbs> {
  const { recipe, arch, cluster } = input;
  const kubectl: Kubectl = (...args) => kubectlArgv(cluster.kubeconfigPath, cluster.context, ...args);
  const checkout = input.trusteeCheckout ?? join(ctx.workDir, 'trustee');
  const paths = kbsPaths(checkout, recipe, input.handler, arch);
  checkRunnerInputs(input.runnerInputs ?? {}, runnerInputsNeeded(paths.plan, paths.persistentVolume), ctx.dryRun);
  if (!input.trusteeCheckout) await stepCommand(ctx, 'kbs', ['git', 'clone', '--quiet', '--no-checkout', TRUSTEE_REPOSITORY, checkout]);
  await stepCommand(ctx, 'kbs', ['git', '-C', checkout, 'checkout', '--quiet', '--force', recipe.ref]);
  if (!ctx.dryRun) {
    checkBaseImageName(await readTrusteeText(paths.baseKustomization, 'the trustee base kustomization'), recipe.baseImageName, paths.baseKustomization);
  }

  const secret = randomBytes(32).toString('base64');
  registerSecret(secret, 'kbs key.bin');
  await stepFile(ctx, 'kbs', paths.keyBin, `${secret}\n`, { mode: 0o600, shown: '<32 random bytes, base64: not shown>' });

  const keyDir = join(ctx.workDir, 'kbs-admin');
  ctx.record('kbs', `# generate an Ed25519 admin key pair in ${keyDir} (kbs.key mode 0600, kbs.pem)`);
  if (!ctx.dryRun) await generateAdminKeyPair(keyDir);
  const adminKeyFile = join(keyDir, 'kbs.key');
  const privateKey = ctx.dryRun ? '' : await readFile(adminKeyFile, 'utf8');
  registerSecret(privateKey.trim(), 'kbs-admin-key');
  await stepFile(ctx, 'kbs', paths.adminKey, privateKey, { mode: 0o600, shown: '<Ed25519 private key: not shown>' });
  await stepFile(ctx, 'kbs', paths.adminPublicKey, ctx.dryRun ? '<kbs.pem>' : await readFile(join(keyDir, 'kbs.pem'), 'utf8'));

  const manifests = await preparePlatform(ctx, kubectl, paths, input);
  await stepFile(ctx, 'kbs', join(paths.kustomizationDir, 'kustomization.yaml'), kbsKustomization({
    resource: paths.deployDirFromKustomization,
    baseImageName: recipe.baseImageName,
    // The ITA build of trustee is its own image (kata versions.yaml ita_image).
    image: paths.plan.platform === 'tdx' && paths.plan.tdx.kind === 'ita' ? paths.plan.tdx.image : recipe.image,
    seSkipCertsVerification: paths.plan.platform === 'se' ? paths.plan.se.skipCertsVerification : undefined,
  }));
  await stepCommand(ctx, 'kbs', kubectl('apply', '-k', paths.kustomizationDir));
  // kata's confidential_kbs.sh waits for a Running kbs-* pod in the KBS namespace (3.25.0 :444-445), then checks health.
  await waitInCluster(cluster, ctx, 'kbs', podsRunning(recipe.namespace, [recipe.deployment], 'KBS pod'), input.readyTimeoutSeconds);
  const port = await stepCommand(ctx, 'kbs', kubectl('-n', recipe.namespace, 'get', 'service', recipe.service,
    '-o', 'jsonpath={.spec.ports[0].nodePort}'));
  const nodePort = ctx.dryRun ? '<node-port>' : port.stdout.trim();
  if (!ctx.dryRun && !/^\d+$/.test(nodePort)) {
    throw new Error(`failed to deploy KBS: service ${recipe.namespace}/${recipe.service} has no NodePort (got "${nodePort}")`);
  }
  const url = `http://${ctx.dryRun ? DRY_RUN_NODE_IP : input.nodeIp}:${nodePort}`;
  await checkKbsHealth(ctx, url, recipe.healthCheckExpects, input.readyTimeoutSeconds * 1000);
  return {
    endpoint: { url, adminKeyFile, isDouble: false },
    deployedByHarness: true,
    image: recipe.image,
    kustomization: paths.kustomizationDir,
    ...(manifests.length ? { manifests } : {}),
    kubeconfig: cluster.kubeconfigPath,
    context: cluster.context,
  };
}

/** What the deploy directory needs before it is applied: TDX's QCNL file (kata 3.7.0 confidential_kbs.sh:293-303) or
 *  ITA key, SE's credentials (:276-282), the GPU platforms' NVIDIA verifier (kbs.nvidiaVerifier), and a PersistentVolume (trustee deploy-kbs.sh:25-33 at e890fc9). Returns manifests applied
 *  outside the kustomization, for teardown. */
async function preparePlatform(ctx: ProviderContext, kubectl: Kubectl, paths: KbsPaths, input: KbsDeployInput): Promise<string[]> {
  const inputs = input.runnerInputs ?? {};
  if (paths.plan.platform === 'tdx') await prepareTdx(ctx, paths.root, paths.plan.tdx, inputs);
  if (paths.plan.platform === 'se') await checkIbmSeCredentials(ctx, paths.plan.se, inputs);
  const verifier = input.recipe.nvidiaVerifier;
  if (verifier && selectsHandler(verifier, input.handler)) await prepareNvidiaVerifier(ctx, paths.root, verifier);
  if (!paths.persistentVolume) return [];
  const manifest = join(ctx.workDir, 'kbs-persistent-volume.yaml');
  return [await applyPersistentVolume(ctx, kubectl, paths.persistentVolume, manifest, inputs, input.nodeName)];
}

/** Removes a KBS the harness deployed; a KBS given from outside is never touched. */
export async function removeKbs(ctx: ProviderContext, kbs: DeployedKbs): Promise<void> {
  if (!kbs.deployedByHarness || !kbs.kustomization || !kbs.kubeconfig) return;
  await stepCommand(ctx, 'teardown', kubectlArgv(kbs.kubeconfig, kbs.context, 'delete', '-k', kbs.kustomization, '--ignore-not-found', '--wait'));
  // After the kustomization: its PVC must let go of the PersistentVolume first.
  for (const manifest of kbs.manifests ?? []) {
    await stepCommand(ctx, 'teardown', kubectlArgv(kbs.kubeconfig, kbs.context, 'delete', '-f', manifest, '--ignore-not-found', '--wait'));
  }
}

/** A KBS run by someone else (`--kbs-url`, `--kbs-admin-key`): the harness only checks it answers, never removes it. */
export async function useExternalKbs(ctx: ProviderContext, url: string, adminKeyFile: string, expects: string, timeoutMs: number): Promise<DeployedKbs> {
  const trimmed = url.replace(/\/+$/, '');
  if (!ctx.dryRun) {
    let key: string;
    try {
      key = await readFile(adminKeyFile, 'utf8');
    } catch (error) {
      throw new Error(`failed to read the KBS admin key ${adminKeyFile}: ${(error as Error).message}`, { cause: error });
    }
    // The key itself must never reach a log, an error text or a record; its path may.
    registerSecret(key.trim(), 'kbs-admin-key');
  }
  await checkKbsHealth(ctx, trimmed, expects, timeoutMs);
  return { endpoint: { url: trimmed, adminKeyFile, isDouble: false }, deployedByHarness: false };
}

/** Trustee answers 404 on paths it does not serve (`/`): upstream's busybox wget check expects "404 Not Found".
 *  The harness does the same GET itself; anything else (refused, 5xx, 200 from something else) is not a KBS. */
export async function checkKbsHealth(ctx: ProviderContext, url: string, expects: string, timeoutMs: number): Promise<void> {
  const expectedStatus = Number.parseInt(expects, 10) || 404;
  ctx.record('kbs', `# health: GET ${url}/ expecting HTTP ${expectedStatus} (${expects})`);
  if (ctx.dryRun) return;
  let status: number;
  try {
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    status = (await fetch(`${url}/`, { signal })).status;
  } catch (error) {
    throw new Error(`failed to check KBS health at ${url}/: ${(error as Error).message}`, { cause: error });
  }
  if (status !== expectedStatus) throw new Error(`failed to check KBS health at ${url}/: HTTP ${status}, expected ${expectedStatus}`);
}
