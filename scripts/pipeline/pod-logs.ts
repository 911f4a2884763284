import { join } from 'node:path';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { kubectlArgv } from '../providers/shared/kubectl.ts';
import { commandOutputToFile } from '../providers/shared/logs-to-file.ts';
import { stepCommand } from '../providers/shared/step-command.ts';

/** Pod logs, descriptions and events of the release's namespaces (operator, KBS): the first thing anyone asks for
 *  when an install failed, so they are kept before teardown removes the pods. */
export async function collectPodLogs(cluster: ProvisionedCluster, namespaces: string[], dir: string, ctx: ProviderContext): Promise<void> {
  const kubectl = (...args: string[]) => kubectlArgv(cluster.kubeconfigPath, cluster.context, ...args);
  for (const namespace of namespaces) {
    const base = join(dir, 'namespaces', namespace);
    await commandOutputToFile(ctx, kubectl('-n', namespace, 'get', 'pods', '-o', 'wide'), join(base, 'pods.txt'));
    await commandOutputToFile(ctx, kubectl('-n', namespace, 'describe', 'pods'), join(base, 'describe.txt'));
    await commandOutputToFile(ctx, kubectl('-n', namespace, 'get', 'events', '--sort-by=.lastTimestamp'), join(base, 'events.txt'));
    const pods = await stepCommand(ctx, 'collect', kubectl('-n', namespace, 'get', 'pods', '-o', 'name'), { nothrow: true });
    const names = pods.exitCode === 0 ? pods.stdout.split('\n').map((line) => line.trim()).filter(Boolean) : [];
    for (const pod of names) {
      await commandOutputToFile(ctx, kubectl('-n', namespace, 'logs', pod, '--all-containers', '--prefix'),
        join(base, 'logs', `${pod.replace(/^pod\//, '')}.log`));
    }
  }
}
