import { join } from 'node:path';
import type { ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { kubectlArgv } from '../shared/kubectl.ts';
import { commandOutputToFile } from '../shared/logs-to-file.ts';

/** Only the system namespace: other namespaces of someone else's cluster are none of the harness's business. */
export async function collectExistingLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
  await commandOutputToFile(
    ctx,
    kubectlArgv(cluster.kubeconfigPath, cluster.context, 'cluster-info', 'dump', '--namespaces', 'kube-system',
      '--output-directory', join(dir, 'cluster-info')),
    join(dir, 'cluster-info.log'),
  );
}
