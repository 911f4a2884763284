import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { plannedBundle } from '../providers/kubeadm/offline-bundle.ts';

export interface BundleCacheState {
  dir: string;
  /** The bundle folder scripts/bundle/build.sh would produce for the pinned versions. */
  expected: string;
  present: boolean;
  binaries: string[];
  images: number;
  /** The node's container runtime (containerd, its shim, ctr, runc), cached in a folder of its own. */
  runtime: { dir: string; present: boolean; binaries: string[] };
}

/** Looks at the offline Kubernetes bundle cache (the folders scripts/bundle/build.sh writes for the pinned versions). */
export function readBundleCache(env: NodeJS.ProcessEnv = process.env): BundleCacheState {
  const planned = plannedBundle(env);
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
  return {
    dir: path.dirname(planned.dir),
    expected: planned.dir,
    present: existsSync(planned.dir),
    binaries: list(planned.binDir),
    images: list(planned.imagesDir).length,
    runtime: { dir: path.dirname(planned.runtimeBinDir), present: existsSync(planned.runtimeBinDir), binaries: list(planned.runtimeBinDir) },
  };
}
