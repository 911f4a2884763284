import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The offline bundle's pinned versions (KUBE_VERSION, KIND_VERSION, …) as scripts/bundle/build.sh sources them
 *  (KEY=VALUE lines of scripts/bundle/versions.env), read here on their own: a self-test holds the harness's reading
 *  of the same file (matrix/cluster-versions.ts offlineBundleVersions) to this one, never to itself. */
export function bundleVersions(): Record<string, string> {
  const text = readFileSync(resolve(import.meta.dirname, '../../scripts/bundle/versions.env'), 'utf8');
  return Object.fromEntries(text.split('\n').filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=', 2) as [string, string]));
}
