import type { ClusterInfo, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { clusterVersions, listNodes } from '../shared/node-list.ts';
import { k3sNodeName } from './provision.ts';

export function k3sNodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
  return listNodes(cluster, ctx, k3sNodeName());
}

export function k3sInfo(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
  return clusterVersions(cluster, ctx, 'k3s');
}
