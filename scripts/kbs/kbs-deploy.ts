import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateAdminKeyPair } from '../../fixtures/kbs/admin-key-pair.ts';
import type { KbsRecipe } from '../../matrix/release-profile.ts';
import type { Arch } from '../../matrix/vocabulary.ts';
import { registerSecret } from '../exec/redact.ts';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { kubectlArgv } from '../providers/shared/kubectl.ts';
import { DRY_RUN_NODE_IP } from '../providers/shared/node-list.ts';
import { stepCommand, stepFile } from '../providers/shared/step-command.ts';
import type { DeployedKbs } from './deployed-kbs.ts';
import { checkKbsHealth } from './kbs-health.ts';
import { kbsKustomization } from './kbs-kustomization.ts';
import { kbsPaths, TRUSTEE_REPOSITORY } from './kbs-recipe-paths.ts';

export interface KbsDeployInput {
  recipe: KbsRecipe;
  arch: Arch;
  cluster: ProvisionedCluster;
  /** The node whose InternalIP the guest reaches the NodePort on. */
  nodeIp: string;
  readyTimeoutSeconds: number;
  /** A local trustee checkout to use instead of cloning (air-gapped runners). */
  trusteeCheckout?: string;
}

/** Trustee's kustomize at the pinned ref, as deploy-kbs.sh does it with DEPLOYMENT_DIR=nodeport: a secret in
 *  overlays/<arch>/key.bin, a fresh Ed25519 admin key pair as base/kbs.key + base/kbs.pem, apply nodeport/<arch>. */
export async function deployKbs(ctx: ProviderContext, input: KbsDeployInput): Promise<DeployedKbs> {
  const { recipe, arch, cluster } = input;
  const kubectl = (...args: string[]) => kubectlArgv(cluster.kubeconfigPath, cluster.context, ...args);
  const checkout = input.trusteeCheckout ?? join(ctx.workDir, 'trustee');
  if (!input.trusteeCheckout) await stepCommand(ctx, 'kbs', ['git', 'clone', '--quiet', '--no-checkout', TRUSTEE_REPOSITORY, checkout]);
  await stepCommand(ctx, 'kbs', ['git', '-C', checkout, 'checkout', '--quiet', '--force', recipe.ref]);
  const paths = kbsPaths(checkout, recipe, arch);

  const secret = randomBytes(32).toString('base64');
  registerSecret(secret);
  await stepFile(ctx, 'kbs', paths.keyBin, `${secret}\n`, { mode: 0o600, shown: '<32 random bytes, base64: not shown>' });

  const keyDir = join(ctx.workDir, 'kbs-admin');
  ctx.record('kbs', `# generate an Ed25519 admin key pair in ${keyDir} (kbs.key mode 0600, kbs.pem)`);
  if (!ctx.dryRun) await generateAdminKeyPair(keyDir);
  const adminKeyFile = join(keyDir, 'kbs.key');
  const privateKey = ctx.dryRun ? '' : await readFile(adminKeyFile, 'utf8');
  registerSecret(privateKey.trim());
  await stepFile(ctx, 'kbs', paths.adminKey, privateKey, { mode: 0o600, shown: '<Ed25519 private key: not shown>' });
  await stepFile(ctx, 'kbs', paths.adminPublicKey, ctx.dryRun ? '<kbs.pem>' : await readFile(join(keyDir, 'kbs.pem'), 'utf8'));

  const kustomizationDir = join(ctx.workDir, 'kbs-deploy');
  await stepFile(ctx, 'kbs', join(kustomizationDir, 'kustomization.yaml'), kbsKustomization(paths.nodeportDir, recipe.image));
  await stepCommand(ctx, 'kbs', kubectl('apply', '-k', kustomizationDir));
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
    kustomization: kustomizationDir,
    kubeconfig: cluster.kubeconfigPath,
    context: cluster.context,
  };
}

/** Removes a KBS the harness deployed; a KBS given from outside is never touched. */
export async function removeKbs(ctx: ProviderContext, kbs: DeployedKbs): Promise<void> {
  if (!kbs.deployedByHarness || !kbs.kustomization || !kbs.kubeconfig) return;
  await stepCommand(ctx, 'teardown', kubectlArgv(kbs.kubeconfig, kbs.context, 'delete', '-k', kbs.kustomization, '--ignore-not-found', '--wait'));
}
