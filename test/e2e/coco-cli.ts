import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** The repository the end-to-end runs start the CLI in, and the CLI as a user starts it (the compiled one, which the
 *  config's global setup rebuilds when the source is newer). */
export const CLI = join(SOURCE_ROOT, 'bin', 'coco-conformance.mjs');

/** Runs `coco-conformance <args>` to its end as CI does (CI=true: plain progress lines, no live line), killed after
 *  `timeoutMs` — a bound per call, since a whole run and a `cleanup` differ by an order of magnitude. */
export function coco(args: string[], timeoutMs: number): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd: SOURCE_ROOT, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024,
  });
  return { status: child.status, stdout: child.stdout ?? '', stderr: child.stderr ?? '' };
}
