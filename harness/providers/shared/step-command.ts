import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runCommand, type RunOptions, type RunResult } from '../../../lib/exec/run-command.ts';
import type { ProviderContext } from '../cluster-provider.ts';

/** Runs one command of a life-cycle step, or only records it in dry-run. Providers, install and KBS deploy all go
 *  through here so that a dry run shows exactly the commands a real run would execute, in order. */
export async function stepCommand(
  ctx: ProviderContext,
  step: string,
  argv: readonly string[],
  options: Omit<RunOptions, 'signal'> = {},
): Promise<RunResult> {
  ctx.record(step, envPrefixed(argv, options.env));
  if (ctx.dryRun) return { argv, exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
  return runCommand(argv, { ...options, signal: ctx.signal });
}

/** kubectl argv bound to one cluster, so no command ever falls back to the user's default kubeconfig by accident. */
export function kubectlArgv(kubeconfig: string, context: string | undefined, ...args: string[]): string[] {
  return ['kubectl', '--kubeconfig', kubeconfig, ...(context ? ['--context', context] : []), ...args];
}

/** Writes a file a later command reads (a cluster config, a kustomization), or only records its content in dry-run.
 *  `shown` replaces the content in the record when the file holds a secret. */
export async function stepFile(
  ctx: ProviderContext,
  step: string,
  path: string,
  content: string | Buffer,
  options: { mode?: number; shown?: string } = {},
): Promise<void> {
  const text = options.shown ?? (typeof content === 'string' ? content : `<${content.length} bytes>`);
  ctx.record(step, `# file: ${path}\n${text}`);
  if (ctx.dryRun) return;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: options.mode ?? 0o644 });
  // writeFile's mode only applies when the file is new; a rerun must not leave an old, wider mode behind.
  if (options.mode !== undefined) await chmod(path, options.mode);
}

/** Runs a log-producing command and keeps its output in a file. Log collection is best effort: a missing journal
 *  must not hide the logs that do exist, so a failing command leaves its error text in the file instead. */
export async function commandOutputToFile(ctx: ProviderContext, argv: readonly string[], file: string): Promise<void> {
  const result = await stepCommand(ctx, 'collect', argv, { nothrow: true });
  if (ctx.dryRun) return;
  await mkdir(dirname(file), { recursive: true });
  const text = result.exitCode === 0 ? result.stdout : `exit ${result.exitCode}\n${result.stderr}\n${result.stdout}`;
  await writeFile(file, text);
}

/** The env assignments a command needs, as a pasteable `env K=V … argv` prefix in the record. */
function envPrefixed(argv: readonly string[], env: RunOptions['env']): readonly string[] {
  const assignments = Object.entries(env ?? {})
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return assignments.length ? ['env', ...assignments, ...argv] : argv;
}
