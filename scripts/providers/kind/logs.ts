import type { ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from '../shared/step-command.ts';

/** kind's own export: node journals, containerd and kubelet logs, pod logs of every node. */
export async function collectKindLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'collect', ['kind', 'export', 'logs', dir, '--name', cluster.name]);
}
