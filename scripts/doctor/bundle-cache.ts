import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sourcePath } from '../../matrix/source-root.ts';

const VERSIONS_FILE = sourcePath('scripts/bundle/versions.env');

export interface BundleCacheState {
  dir: string;
  /** The bundle folder scripts/bundle/build.sh would produce for the pinned versions. */
  expected: string;
  present: boolean;
  binaries: string[];
  images: number;
}

/** Looks at the offline Kubernetes bundle cache (same location rules as scripts/bundle/build.sh). */
export function readBundleCache(env: NodeJS.ProcessEnv = process.env): BundleCacheState {
  const cache = env.COCO_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'coco-conformance');
  const dir = path.join(cache, 'bundle');
  const versions = readVersions();
  const expected = path.join(dir, `k8s-${versions.KUBE_VERSION ?? '?'}-etcd-${versions.ETCD_VERSION ?? '?'}`);
  const list = (sub: string) => (existsSync(path.join(expected, sub)) ? readdirSync(path.join(expected, sub)) : []);
  return { dir, expected, present: existsSync(expected), binaries: list('bin').sort(), images: list('images').length };
}

function readVersions(): Record<string, string> {
  if (!existsSync(VERSIONS_FILE)) return {};
  const pairs = readFileSync(VERSIONS_FILE, 'utf8')
    .split('\n')
    .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => [match[1] as string, (match[2] as string).trim()]);
  return Object.fromEntries(pairs);
}
