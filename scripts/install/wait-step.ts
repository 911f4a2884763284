import { ClusterSnapshot } from './cluster-snapshot.ts';
import type { InstallContext } from './install-context.ts';
import { waitUntil, type Check } from './wait-until.ts';

/** Waits on the cluster's events, or in dry-run records what it would wait for (a dry run has no cluster). The
 *  check is built at the moment the wait starts, so its limits count from there. */
export async function waitStep<T>(
  ctx: InstallContext,
  step: string,
  namespace: string,
  description: string,
  makeCheck: (startMs: number) => Check<T>,
): Promise<T | undefined> {
  ctx.provider.record(step, `# wait (watch): ${description}`);
  if (ctx.provider.dryRun) return undefined;
  try {
    return await waitUntil(ctx.events, ctx.clock, namespace, makeCheck(ctx.clock.now()), ctx.provider.signal);
  } catch (error) {
    throw new Error(`failed to wait for ${description}: ${(error as Error).message}`, { cause: error });
  }
}

/** namespace/container → image of every pod in the snapshot. */
export function imagesOf(snapshot: ClusterSnapshot | undefined, namespace: string): Record<string, string> {
  const images: Record<string, string> = {};
  for (const pod of snapshot?.pods() ?? []) {
    for (const container of pod.spec?.containers ?? []) images[`${namespace}/${container.name}`] = container.image;
  }
  return images;
}
