import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from './step-command.ts';

/** Runs a log-producing command and keeps its output in a file. Log collection is best effort: a missing journal
 *  must not hide the logs that do exist, so a failing command leaves its error text in the file instead. */
export async function commandOutputToFile(ctx: ProviderContext, argv: readonly string[], file: string): Promise<void> {
  const result = await stepCommand(ctx, 'collect', argv, { nothrow: true });
  if (ctx.dryRun) return;
  await mkdir(dirname(file), { recursive: true });
  const text = result.exitCode === 0 ? result.stdout : `exit ${result.exitCode}\n${result.stderr}\n${result.stdout}`;
  await writeFile(file, text);
}
