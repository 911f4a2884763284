import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import { DEFAULT_CLUSTER_NAME, type ClusterInfo, type ClusterProvider, type ProvisionedCluster, type ProviderContext } from '../cluster-provider.ts';
import { clusterVersions, labelWorker, listNodes, PROVISION_TIMEOUTS, waitNodesReady } from '../shared/node-list.ts';
import { stepCommand, stepFile } from '../shared/step-command.ts';
import { kindClusterConfig, kindNodeImage } from './cluster-config.ts';

/** A single-node kind cluster whose containerd is configured for guest pull. */
export class KindProvider implements ClusterProvider {
  readonly distro = 'kind' as const;

  async create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
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

  async destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    if (!cluster.createdByHarness) return;
    // kind delete is idempotent: deleting a cluster that is already gone succeeds, so destroy is safe to call twice.
    await stepCommand(ctx, 'destroy', ['kind', 'delete', 'cluster', '--name', cluster.name]);
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return listNodes(cluster, ctx, kindNodeName(cluster));
  }

  /** kind imports the archive into every node's containerd k8s.io namespace. */
  async loadImage(cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    await stepCommand(ctx, 'load-image', ['kind', 'load', 'image-archive', archivePath, '--name', cluster.name]);
  }

  /** kind's own export: node journals, containerd and kubelet logs, pod logs of every node. */
  async collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    await stepCommand(ctx, 'collect', ['kind', 'export', 'logs', dir, '--name', cluster.name]);
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return clusterVersions(cluster, ctx, 'kind');
  }
}

function kindNodeName(cluster: { name: string }): string {
  return `${cluster.name}-control-plane`;
}
