import type { ProviderContext } from '../providers/cluster-provider.ts';

/** Trustee answers 404 on paths it does not serve (`/`): upstream's busybox wget check expects "404 Not Found".
 *  The harness does the same GET itself; anything else (refused, 5xx, 200 from something else) is not a KBS. */
export async function checkKbsHealth(ctx: ProviderContext, url: string, expects: string, timeoutMs: number): Promise<void> {
  const expectedStatus = Number.parseInt(expects, 10) || 404;
  ctx.record('kbs', `# health: GET ${url}/ expecting HTTP ${expectedStatus} (${expects})`);
  if (ctx.dryRun) return;
  let status: number;
  try {
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    status = (await fetch(`${url}/`, { signal })).status;
  } catch (error) {
    throw new Error(`failed to check KBS health at ${url}/: ${(error as Error).message}`, { cause: error });
  }
  if (status !== expectedStatus) throw new Error(`failed to check KBS health at ${url}/: HTTP ${status}, expected ${expectedStatus}`);
}
