import { sourcePath } from '../../matrix/source-root.ts';
import { runCommand } from './run-command.ts';

/** The tools scripts/setup/build-<tool>.sh builds from the Go module proxy (scripts/setup/cached-go-tool.sh). */
export type CachedGoTool = 'skopeo' | 'helm' | 'opa' | 'kind';

/** A tool built by its scripts/setup/build-<tool>.sh on first use (minutes), taken from the cache afterwards
 *  (seconds): the script prints the binary's path last. Returns that path. */
export async function ensureCachedGoTool(tool: CachedGoTool): Promise<string> {
  const script = sourcePath(`scripts/setup/build-${tool}.sh`);
  const result = await runCommand(['bash', script], { timeoutMs: 30 * 60_000 });
  const path = result.stdout.trim().split('\n').pop();
  if (!path) throw new Error(`failed to build ${tool}: ${script} printed no path`);
  return path;
}
