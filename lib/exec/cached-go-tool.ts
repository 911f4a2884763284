import { homedir } from 'node:os';
import { join } from 'node:path';
import { sourcePath } from '../../matrix/source-root.ts';
import { runCommand } from './run-command.ts';

/** The harness's cache, as the setup scripts place it (scripts/setup/cached-go-tool.sh: ${COCO_CACHE_DIR:-$HOME/.cache/
 *  coco-conformance}): built tools under bin/, the offline bundle, the kind engine's data root. */
export function harnessCacheDir(env: Record<string, string | undefined> = process.env): string {
  return env.COCO_CACHE_DIR ?? join(env.HOME ?? homedir(), '.cache', 'coco-conformance');
}

/** The tools scripts/setup/build-<tool>.sh builds from the Go module proxy (scripts/setup/cached-go-tool.sh). */
export type CachedGoTool = 'skopeo' | 'helm' | 'opa' | 'kind';

/** A tool built by its scripts/setup/build-<tool>.sh on first use (minutes), taken from the cache afterwards
 *  (seconds): the script prints the binary's path last. Returns that path. */
export async function ensureCachedGoTool(tool: CachedGoTool, env: Record<string, string | undefined> = {}): Promise<string> {
  const script = buildScript(tool);
  const result = await runCommand(['bash', script], { env, timeoutMs: 30 * 60_000 });
  const path = lastLine(result.stdout);
  if (!path) throw new Error(`failed to build ${tool}: ${script} printed no path`);
  return path;
}

export type CachedGoToolLookup = { found: true; path: string } | { found: false; reason: string };

/** The binary ensureCachedGoTool would return, found by the same script's cache check (COCO_TOOL_LOOKUP=1), never
 *  built: what a run will use, for doctor. Not found: the cached binary is absent or not at the pinned version (the
 *  run then builds it), with the script's one line saying which. */
export async function findCachedGoTool(tool: CachedGoTool, env: Record<string, string | undefined> = {}): Promise<CachedGoToolLookup> {
  const result = await runCommand(['bash', buildScript(tool)], { nothrow: true, env: { ...env, COCO_TOOL_LOOKUP: '1' }, timeoutMs: 30_000 });
  const path = lastLine(result.stdout);
  if (result.exitCode === 0 && path) return { found: true, path };
  return { found: false, reason: lastLine(result.stderr) ?? `bash ${buildScript(tool)} exited ${result.exitCode}` };
}

function buildScript(tool: CachedGoTool): string {
  return sourcePath(`scripts/setup/build-${tool}.sh`);
}

function lastLine(text: string): string | undefined {
  return text.trim().split('\n').pop() || undefined;
}
