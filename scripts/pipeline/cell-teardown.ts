import type { ProviderContext } from '../providers/cluster-provider.ts';
import type { CellState } from './cell-state.ts';
import type { CellWorkspace } from './cell-workspace.ts';
import type { PipelineDeps } from './pipeline-deps.ts';
import type { PipelineOptions } from './pipeline-options.ts';
import { collectPodLogs } from './pod-logs.ts';

/** collect → teardown, always, whatever stopped the cell. Each part runs even if an earlier one failed (a failed
 *  log export must not leave a cluster behind); their failures are returned, not thrown, so the cell's own error
 *  stays the one that is reported. Logs are exported before anything is destroyed. */
export async function collectAndTearDown(
  state: CellState,
  ws: CellWorkspace,
  ctx: ProviderContext,
  options: PipelineOptions,
  deps: PipelineDeps,
  cellId: string,
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (step: string, work: () => Promise<void>): Promise<void> => {
    try {
      await options.progress.step(cellId, step, work);
    } catch (error) {
      problems.push(`${step}: ${(error as Error).message}`);
    }
  };
  const { provider, cluster } = state;

  if (provider && cluster) {
    await attempt('collect', async () => {
      await provider.collectLogs(cluster, ws.logsDir, ctx);
      const namespaces = [state.installed?.namespace, state.kbs?.deployedByHarness ? state.profile?.kbs.namespace : undefined];
      await collectPodLogs(cluster, namespaces.filter((n): n is string => Boolean(n)), ws.logsDir, ctx);
    });
  }
  if (state.prepared) await attempt('platform-cleanup', () => state.prepared!.cleanup());
  if (options.keepCluster && cluster) {
    options.progress.note(cellId, `teardown skipped (--keep-cluster): kubeconfig ${cluster.kubeconfigPath}`);
    return problems;
  }
  if (provider && cluster && !cluster.createdByHarness) {
    // Someone else's cluster: undo only what the harness made in it, newest first.
    if (state.kbs) await attempt('kbs-teardown', () => deps.removeKbs(ctx, state.kbs!));
    if (state.installed && state.profile) {
      await attempt('uninstall', () => deps.uninstallRelease(deps.installContext(cluster, ctx), state.profile!, state.installed!));
    }
  }
  const target = cluster ?? (state.plannedCluster?.createdByHarness ? state.plannedCluster : undefined);
  if (provider && target) await attempt('teardown', () => provider.destroy(target, ctx));
  return problems;
}
