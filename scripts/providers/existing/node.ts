import type { ClusterInfo, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { clusterVersions, listNodes } from '../shared/node-list.ts';

export function existingNodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
  return listNodes(cluster, ctx, '<node>');
}

export function existingInfo(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
  return clusterVersions(cluster, ctx, 'existing');
}
