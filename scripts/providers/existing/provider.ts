import type { ClusterSpec } from '../../../matrix/cell.ts';
import type { ClusterInfo, ClusterProvider, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { loadExistingImage } from './images.ts';
import { collectExistingLogs } from './logs.ts';
import { existingInfo, existingNodes } from './node.ts';
import { attachExisting, releaseExisting } from './provision.ts';

/** A cluster someone else owns, reached through the given kubeconfig/context. The harness never destroys it. */
export class ExistingProvider implements ClusterProvider {
  readonly distro = 'existing' as const;

  create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    return attachExisting(spec, ctx);
  }

  destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    return releaseExisting(cluster, ctx);
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return existingNodes(cluster, ctx);
  }

  loadImage(_cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    return loadExistingImage(archivePath, ctx);
  }

  collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    return collectExistingLogs(cluster, dir, ctx);
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return existingInfo(cluster, ctx);
  }
}
