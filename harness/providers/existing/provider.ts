import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import { HARNESS_LABEL_SELECTOR } from '../../../lib/cluster/index.ts';
import type { ClusterInfo, ClusterProvider, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { commandOutputToFile, kubectlArgv, stepCommand } from '../shared/step-command.ts';
import { clusterVersions, DRY_RUN_NODE_IP, listNodes, parseNodeList } from '../shared/node-list.ts';

/** How long teardown waits for the harness's namespaces to finish terminating. */
const NAMESPACE_DELETE_TIMEOUT_SECONDS = 300;

/** A cluster someone else owns, reached through the given kubeconfig/context. The harness never destroys it. */
export class ExistingProvider implements ClusterProvider {
  readonly distro = 'existing' as const;

  /** Creates nothing: checks the cluster answers and reads its nodes. */
  async create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
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
  async destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    await stepCommand(
      ctx,
      'destroy',
      kubectlArgv(cluster.kubeconfigPath, cluster.context, 'delete', 'namespace', '-l', HARNESS_LABEL_SELECTOR,
        '--ignore-not-found', '--wait', `--timeout=${NAMESPACE_DELETE_TIMEOUT_SECONDS}s`),
    );
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return listNodes(cluster, ctx, '<node>');
  }

  /** An existing cluster offers no image-loading API; this works when its node's containerd runs on this machine
   *  (a developer's single-node cluster), which is the only case the harness loads images into one. */
  async loadImage(_cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    await stepCommand(ctx, 'load-image', ['ctr', '-n', 'k8s.io', 'images', 'import', archivePath]);
  }

  /** Only the system namespace: other namespaces of someone else's cluster are none of the harness's business. */
  async collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    await commandOutputToFile(
      ctx,
      kubectlArgv(cluster.kubeconfigPath, cluster.context, 'cluster-info', 'dump', '--namespaces', 'kube-system',
        '--output-directory', join(dir, 'cluster-info')),
      join(dir, 'cluster-info.log'),
    );
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return clusterVersions(cluster, ctx, 'existing');
  }
}

function existingKubeconfig(spec: ClusterSpec): string {
  return spec.kubeconfig ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
}
