import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runCommand, type RunOptions, type RunResult } from '../../exec/run-command.ts';
import type { ProviderContext } from '../cluster-provider.ts';

/** Runs a provider's commands and file writes, or in dry-run only records them — so the dry-run sequence is the
 *  very sequence a real run executes. */
export interface StepRunner {
  run(step: string, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  writeFile(step: string, path: string, content: string, mode?: number): void;
}

export function stepRunner(ctx: ProviderContext): StepRunner {
  return {
    async run(step, argv, options = {}) {
      if (ctx.dryRun) {
        ctx.record(step, argv);
        return { argv, exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
      }
      return runCommand(argv, { signal: ctx.signal, ...options });
    },
    writeFile(step, path, content, mode = 0o644) {
      if (ctx.dryRun) {
        ctx.record(step, `# ${path}\n${content}`);
        return;
      }
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content, { mode });
    },
  };
}
