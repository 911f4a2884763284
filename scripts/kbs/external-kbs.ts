import { readFile } from 'node:fs/promises';
import { registerSecret } from '../exec/redact.ts';
import type { ProviderContext } from '../providers/cluster-provider.ts';
import type { DeployedKbs } from './deployed-kbs.ts';
import { checkKbsHealth } from './kbs-health.ts';

/** A KBS run by someone else (`--kbs-url`, `--kbs-admin-key`): the harness only checks it answers, never removes it. */
export async function useExternalKbs(ctx: ProviderContext, url: string, adminKeyFile: string, expects: string, timeoutMs: number): Promise<DeployedKbs> {
  const trimmed = url.replace(/\/+$/, '');
  if (!ctx.dryRun) {
    let key: string;
    try {
      key = await readFile(adminKeyFile, 'utf8');
    } catch (error) {
      throw new Error(`failed to read the KBS admin key ${adminKeyFile}: ${(error as Error).message}`, { cause: error });
    }
    // The key itself must never reach a log, an error text or a record; its path may.
    registerSecret(key.trim(), 'kbs-admin-key');
  }
  await checkKbsHealth(ctx, trimmed, expects, timeoutMs);
  return { endpoint: { url: trimmed, adminKeyFile, isDouble: false }, deployedByHarness: false };
}
