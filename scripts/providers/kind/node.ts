import type { ClusterInfo, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { clusterVersions, listNodes } from '../shared/node-list.ts';
import { kindNodeName } from './provision.ts';

export function kindNodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
  return listNodes(cluster, ctx, kindNodeName(cluster));
}

export function kindInfo(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
  return clusterVersions(cluster, ctx, 'kind');
}
