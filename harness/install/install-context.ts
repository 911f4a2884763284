import type { RunOptions, RunResult } from '../../lib/exec/run-command.ts';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { stepCommand, stepFile } from '../providers/shared/step-command.ts';
import { kubeEventSource, realClock, type ClusterEventSource, type Clock } from '../../lib/cluster/wait/index.ts';

/** What install and uninstall act through: commands (kubectl, helm) and the cluster's events. Tests swap both for
 *  a recording; a dry run records the commands and describes the waits instead of doing them. */
export interface InstallContext {
  cluster: ProvisionedCluster;
  provider: ProviderContext;
  command(step: string, argv: readonly string[], options?: Omit<RunOptions, 'signal'>): Promise<RunResult>;
  file(step: string, path: string, content: string): Promise<void>;
  events: ClusterEventSource;
  clock: Clock;
}

export function installContext(cluster: ProvisionedCluster, provider: ProviderContext): InstallContext {
  return {
    cluster,
    provider,
    command: (step, argv, options) => stepCommand(provider, step, argv, options),
    file: (step, path, content) => stepFile(provider, step, path, content),
    events: kubeEventSource({ path: cluster.kubeconfigPath, context: cluster.context }),
    clock: realClock,
  };
}

/** kubectl bound to the cluster being installed. */
export function kubectl(ctx: InstallContext, ...args: string[]): string[] {
  const { kubeconfigPath, context } = ctx.cluster;
  return ['kubectl', '--kubeconfig', kubeconfigPath, ...(context ? ['--context', context] : []), ...args];
}
