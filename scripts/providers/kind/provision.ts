import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import type { ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { labelWorker, waitNodesReady } from '../shared/node-list.ts';
import { stepCommand, stepFile } from '../shared/step-command.ts';
import { DEFAULT_CLUSTER_NAME, PROVISION_TIMEOUTS } from '../shared/timeouts.ts';
import { kindClusterConfig, kindNodeImage } from './cluster-config.ts';

export function kindNodeName(cluster: { name: string }): string {
  return `${cluster.name}-control-plane`;
}

export async function createKindCluster(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
  const name = ctx.clusterName ?? DEFAULT_CLUSTER_NAME;
  const configPath = join(ctx.workDir, 'kind-config.yaml');
  const kubeconfigPath = join(ctx.workDir, 'kubeconfig');
  await stepFile(ctx, 'provision', configPath, kindClusterConfig(name));
  const image = kindNodeImage(spec.kubernetes);
  await stepCommand(ctx, 'provision', [
    'kind', 'create', 'cluster', '--name', name, '--config', configPath, '--kubeconfig', kubeconfigPath,
    ...(image ? ['--image', image] : []),
    `--wait=${PROVISION_TIMEOUTS.nodesReadySeconds}s`,
  ]);
  const cluster: ProvisionedCluster = {
    name,
    kubeconfigPath,
    context: `kind-${name}`,
    nodes: [],
    createdByHarness: true,
  };
  await waitNodesReady(cluster, ctx, PROVISION_TIMEOUTS.nodesReadySeconds);
  await labelWorker(cluster, ctx, kindNodeName(cluster));
  return cluster;
}

export async function deleteKindCluster(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
  if (!cluster.createdByHarness) return;
  // kind delete is idempotent: deleting a cluster that is already gone succeeds, so destroy is safe to call twice.
  await stepCommand(ctx, 'destroy', ['kind', 'delete', 'cluster', '--name', cluster.name]);
}
