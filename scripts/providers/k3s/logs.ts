import { join } from 'node:path';
import type { ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { kubectlArgv } from '../shared/kubectl.ts';
import { commandOutputToFile } from '../shared/logs-to-file.ts';

export async function collectK3sLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
  await commandOutputToFile(ctx, ['journalctl', '-u', 'k3s', '--no-pager'], join(dir, 'k3s.log'));
  await commandOutputToFile(ctx, ['cat', '/var/lib/rancher/k3s/agent/containerd/containerd.log'], join(dir, 'containerd.log'));
  await commandOutputToFile(
    ctx,
    kubectlArgv(cluster.kubeconfigPath, cluster.context, 'cluster-info', 'dump', '--output-directory', join(dir, 'cluster-info')),
    join(dir, 'cluster-info.log'),
  );
}
