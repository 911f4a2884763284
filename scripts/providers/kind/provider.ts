import type { ClusterSpec } from '../../../matrix/cell.ts';
import type { ClusterInfo, ClusterProvider, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { loadKindImage } from './images.ts';
import { collectKindLogs } from './logs.ts';
import { kindInfo, kindNodes } from './node.ts';
import { createKindCluster, deleteKindCluster } from './provision.ts';

/** A single-node kind cluster whose containerd is configured for guest pull. */
export class KindProvider implements ClusterProvider {
  readonly distro = 'kind' as const;

  create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    return createKindCluster(spec, ctx);
  }

  destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    return deleteKindCluster(cluster, ctx);
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return kindNodes(cluster, ctx);
  }

  loadImage(cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    return loadKindImage(cluster, archivePath, ctx);
  }

  collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    return collectKindLogs(cluster, dir, ctx);
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return kindInfo(cluster, ctx);
  }
}
