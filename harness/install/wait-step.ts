import type { ClusterView, WaitStage } from '../../lib/cluster/wait/index.ts';
import { waitInOrder } from '../../lib/cluster/wait/index.ts';
import type { InstallContext } from './install-context.ts';

/** Waits for the stages in order on the cluster's events, or in dry-run records what it would wait for (a dry run
 *  has no cluster). Each stage's limit counts from the end of the one before. Resolves with the view at the end. */
export async function waitStep(ctx: InstallContext, step: string, stages: readonly WaitStage[]): Promise<ClusterView | undefined> {
  ctx.provider.record(step, `# wait (watch): ${stages.map(({ condition, options }) =>
    `${condition.what} within ${options.timeoutSeconds}s`).join('; then ')}`);
  if (ctx.provider.dryRun) return undefined;
  const { view } = await waitInOrder({ source: ctx.events, clock: ctx.clock, signal: ctx.provider.signal }, stages);
  return view;
}

/** namespace/container → image of every pod in the view. */
export function imagesOf(view: ClusterView | undefined, namespace: string): Record<string, string> {
  const images: Record<string, string> = {};
  for (const pod of view?.pods() ?? []) {
    for (const container of pod.spec?.containers ?? []) images[`${namespace}/${container.name}`] = container.image ?? '';
  }
  return images;
}
