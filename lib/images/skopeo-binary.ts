import { ensureCachedGoTool } from '../exec/cached-go-tool.ts';

/** The skopeo with key-provider support (Debian's 1.9.3 has none), built from the Go module proxy and cached.
 *  Returns the binary's path. */
export function ensureSkopeo(): Promise<string> {
  return ensureCachedGoTool('skopeo');
}
