import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import type { ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { HARNESS_LABEL_SELECTOR } from '../../../fixtures/cluster/harness-labels.ts';
import { kubectlArgv } from '../shared/kubectl.ts';
import { DRY_RUN_NODE_IP, parseNodeList } from '../shared/node-list.ts';
import { stepCommand } from '../shared/step-command.ts';

/** How long teardown waits for the harness's namespaces to finish terminating. */
export const NAMESPACE_DELETE_TIMEOUT_SECONDS = 300;

export function existingKubeconfig(spec: ClusterSpec): string {
  return spec.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
}

/** Creates nothing: checks the cluster answers and reads its nodes. */
export async function attachExisting(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
  const kubeconfigPath = existingKubeconfig(spec);
  const argv = kubectlArgv(kubeconfigPath, spec.context, 'get', 'nodes', '-o', 'json');
  let nodes: ProvisionedCluster['nodes'];
  try {
    const result = await stepCommand(ctx, 'provision', argv);
    nodes = ctx.dryRun ? [{ name: '<node>', internalIp: DRY_RUN_NODE_IP, labels: {} }] : parseNodeList(result.stdout);
  } catch (error) {
    throw new Error(`failed to reach the existing cluster (kubeconfig ${kubeconfigPath}${spec.context ? `, context ${spec.context}` : ''}): ${(error as Error).message}`, { cause: error });
  }
  return { name: spec.context ?? 'existing', kubeconfigPath, context: spec.context, nodes, createdByHarness: false };
}

/** Never destroys the cluster: deletes only the namespaces the harness labelled as its own. */
export async function releaseExisting(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
  await stepCommand(
    ctx,
    'destroy',
    kubectlArgv(cluster.kubeconfigPath, cluster.context, 'delete', 'namespace', '-l', HARNESS_LABEL_SELECTOR,
      '--ignore-not-found', '--wait', `--timeout=${NAMESPACE_DELETE_TIMEOUT_SECONDS}s`),
  );
}
