import { ensureCachedGoTool } from '../exec/cached-go-tool.ts';

/** helm, built from the Go module proxy and cached: the same binary harness/install's helmCommand() finds. Returns
 *  its path. */
export function ensureHelm(): Promise<string> {
  return ensureCachedGoTool('helm');
}
