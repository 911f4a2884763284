import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ReleaseProfile } from './release-profile.ts';
import { BUILD_DIR, RUNNING_FROM_BUILD, sourcePath } from './source-root.ts';

/** The compiled CLI keeps each release profile it has validated as JSON under dist/, keyed by the YAML file's path,
 *  size and modification time and by the build: reading thirteen profiles as YAML and validating them took most of
 *  a `releases` or `plan` start (3 s of CPU), reading them back as JSON a few milliseconds. A profile that changed,
 *  or a new build (whose schema may differ), misses and is validated again; only valid profiles are kept, so a
 *  broken one is reported exactly as before. The TypeScript source (tests, tsx) never uses it. Every failure to
 *  read or write the cache is a miss, never an error. */
const CACHE_DIR = sourcePath(`${BUILD_DIR}/.profile-cache`);
const BUILD_STAMP = sourcePath(`${BUILD_DIR}/.build-stamp`);

interface Entry {
  key: string;
  profile: ReleaseProfile;
}

function keyOf(file: string): { cacheFile: string; key: string } | undefined {
  if (!RUNNING_FROM_BUILD) return undefined;
  try {
    const absolute = path.resolve(file);
    const yaml = statSync(absolute);
    const build = statSync(BUILD_STAMP);
    const name = `${path.basename(absolute, '.yaml')}-${createHash('sha256').update(absolute).digest('hex').slice(0, 12)}.json`;
    return { cacheFile: path.join(CACHE_DIR, name), key: `${absolute}|${yaml.size}|${yaml.mtimeMs}|${build.mtimeMs}` };
  } catch {
    return undefined;
  }
}

export function cachedProfile(file: string): ReleaseProfile | undefined {
  const where = keyOf(file);
  if (!where) return undefined;
  try {
    const entry = JSON.parse(readFileSync(where.cacheFile, 'utf8')) as Entry;
    return entry.key === where.key ? entry.profile : undefined;
  } catch {
    return undefined;
  }
}

export function cacheProfile(file: string, profile: ReleaseProfile): void {
  const where = keyOf(file);
  if (!where) return;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside and renamed: a parallel reader sees the old entry or the new one, never half of one.
    const partial = `${where.cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ key: where.key, profile } satisfies Entry));
    renameSync(partial, where.cacheFile);
  } catch {
    // A read-only checkout runs without the cache.
  }
}
