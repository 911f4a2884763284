import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateAdminKeyPair } from '../../fixtures/kbs/admin-key-pair.ts';
import type { KbsRecipe } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { registerSecret } from '../exec/redact.ts';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { kubectlArgv } from '../providers/shared/kubectl.ts';
import { DRY_RUN_NODE_IP } from '../providers/shared/node-list.ts';
import { stepCommand, stepFile } from '../providers/shared/step-command.ts';
import type { DeployedKbs } from './deployed-kbs.ts';
import { checkKbsHealth } from './kbs-health.ts';
import { checkBaseImageName, kbsKustomization } from './kbs-kustomization.ts';
import { applyPersistentVolume, checkIbmSeCredentials, prepareTdx, runnerInputsNeeded } from './kbs-platform-deploy.ts';
import { kbsPaths, TRUSTEE_REPOSITORY } from './kbs-recipe-paths.ts';
import { checkRunnerInputs, type KbsRunnerInputs } from './kbs-runner-inputs.ts';

export interface KbsDeployInput {
  recipe: KbsRecipe;
  /** Chooses the trustee deploy directory (kbs.deployDirs): custom_pccs for tdx, the SE directory for se. */
  platform: PlatformId;
  arch: Arch;
  cluster: ProvisionedCluster;
  /** The node whose InternalIP the guest reaches the NodePort on. */
  nodeIp: string;
  /** Its name: s390x's local PersistentVolume is pinned to it. */
  nodeName: string;
  readyTimeoutSeconds: number;
  /** A local trustee checkout to use instead of cloning (air-gapped runners). */
  trusteeCheckout?: string;
  /** Machine-specific values (PCCS URL, IBM SE credentials directory); see kbs-runner-inputs.ts. */
  runnerInputs?: KbsRunnerInputs;
}

type KbsPaths = ReturnType<typeof kbsPaths>;
type Kubectl = (...args: string[]) => string[];

/** Trustee's kustomize at the pinned ref, as kata's confidential_kbs.sh (3.7.0) drives deploy-kbs.sh: a secret in
 *  overlays/<arch>/key.bin, a fresh Ed25519 admin key pair as base/kbs.key + base/kbs.pem, the platform's extras
 *  (TDX's PCCS, SE's credentials, s390x's PersistentVolume), then the harness's kustomization over the deploy dir. */
export async function deployKbs(ctx: ProviderContext, input: KbsDeployInput): Promise<DeployedKbs> {
  const { recipe, arch, cluster } = input;
  const kubectl: Kubectl = (...args) => kubectlArgv(cluster.kubeconfigPath, cluster.context, ...args);
  const checkout = input.trusteeCheckout ?? join(ctx.workDir, 'trustee');
  const paths = kbsPaths(checkout, recipe, input.platform, arch);
  checkRunnerInputs(input.runnerInputs ?? {}, runnerInputsNeeded(paths.plan, paths.persistentVolume), ctx.dryRun);
  if (!input.trusteeCheckout) await stepCommand(ctx, 'kbs', ['git', 'clone', '--quiet', '--no-checkout', TRUSTEE_REPOSITORY, checkout]);
  await stepCommand(ctx, 'kbs', ['git', '-C', checkout, 'checkout', '--quiet', '--force', recipe.ref]);
  if (!ctx.dryRun) checkBaseImageName(await readTrusteeFile(paths.baseKustomization), recipe.baseImageName, paths.baseKustomization);

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
    image: recipe.image,
    seSkipCertsVerification: paths.plan.platform === 'se' ? paths.plan.se.skipCertsVerification : undefined,
  }));
  await stepCommand(ctx, 'kbs', kubectl('apply', '-k', paths.kustomizationDir));
  await stepCommand(ctx, 'kbs', kubectl('-n', recipe.namespace, 'rollout', 'status', `deployment/${recipe.deployment}`,
    `--timeout=${input.readyTimeoutSeconds}s`));
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

/** What the deploy directory needs before it is applied: TDX's QCNL file (kata confidential_kbs.sh:293-303), SE's
 *  credentials (:276-282), and the arch's PersistentVolume (trustee deploy-kbs.sh:25-33). Returns manifests applied
 *  outside the kustomization, for teardown. */
async function preparePlatform(ctx: ProviderContext, kubectl: Kubectl, paths: KbsPaths, input: KbsDeployInput): Promise<string[]> {
  const inputs = input.runnerInputs ?? {};
  if (paths.plan.platform === 'tdx') await prepareTdx(ctx, paths.root, paths.plan.tdx, inputs);
  if (paths.plan.platform === 'se') await checkIbmSeCredentials(ctx, paths.plan.se, inputs);
  if (!paths.persistentVolume) return [];
  const manifest = join(ctx.workDir, 'kbs-persistent-volume.yaml');
  return [await applyPersistentVolume(ctx, kubectl, paths.persistentVolume, manifest, inputs, input.nodeName)];
}

async function readTrusteeFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`failed to read ${file} of the trustee checkout: ${(error as Error).message}`, { cause: error });
  }
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
