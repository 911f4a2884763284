import type { ClusterSpec } from '../../../matrix/cell.ts';
import type { ClusterInfo, ClusterProvider, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { loadK3sImage } from './images.ts';
import { collectK3sLogs } from './logs.ts';
import { k3sInfo, k3sNodes } from './node.ts';
import { installK3s, uninstallK3s, type K3sOptions } from './provision.ts';

/** k3s at a pinned version on this machine, its embedded containerd configured for guest pull. */
export class K3sProvider implements ClusterProvider {
  readonly distro = 'k3s' as const;

  constructor(private readonly options: K3sOptions = {}) {}

  create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    return installK3s(spec, this.options, ctx);
  }

  destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    return uninstallK3s(cluster, ctx);
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return k3sNodes(cluster, ctx);
  }

  loadImage(_cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    return loadK3sImage(archivePath, ctx);
  }

  collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    return collectK3sLogs(cluster, dir, ctx);
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return k3sInfo(cluster, ctx);
  }
}
