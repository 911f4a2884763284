import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { checkReleaseProfile } from './check-release-profile.ts';
import { InputError } from './input-error.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { RELEASE_PROFILE_SCHEMA, RELEASE_TAG } from './schema/release-profile-schema.ts';
import { findViolation } from './schema/validate.ts';
import { displayPath, YamlSource } from './yaml-source.ts';
import { cacheProfile, cachedProfile } from './profile-cache.ts';
import { sourcePath } from './source-root.ts';

/** Where the release profiles live: the ones shipped with the harness, or `COCO_RELEASES_DIR` (a release team's
 *  copy holding a candidate that `new-release --releases-dir` wrote). */
export const DEFAULT_RELEASES_DIR = process.env.COCO_RELEASES_DIR || sourcePath('matrix/releases');

/** Reads, validates and cross-checks one release profile. Bad input throws InputError (`file:line:col: path: …`). */
export function loadReleaseProfile(file: string): ReleaseProfile {
  const cached = cachedProfile(file);
  if (cached) return cached;
  const profile = releaseProfileFromSource(YamlSource.read(file), file);
  cacheProfile(file, profile);
  return profile;
}

/** Validates and cross-checks a parsed release profile: all of loading after the file is read. `file` is the
 *  profile's file name (the release tag in it must match the profile's). */
function releaseProfileFromSource(source: YamlSource, file: string): ReleaseProfile {
  const violation = findViolation(source.value, RELEASE_PROFILE_SCHEMA);
  if (violation) throw source.error(violation.path, violation.problem, violation.at);
  const profile = source.value as ReleaseProfile;
  checkReleaseProfile(profile, source, file);
  return profile;
}

/** The file a release's profile is expected in: <releasesDir>/<release>.yaml. */
export function releaseProfileFile(release: string, releasesDir = DEFAULT_RELEASES_DIR): string {
  return path.join(releasesDir, `${release}.yaml`);
}

/** Loads the profile of a release by its tag ("v0.9.0"). An unknown release names the file it looked for. */
export function loadRelease(release: string, releasesDir = DEFAULT_RELEASES_DIR): ReleaseProfile {
  const file = releaseProfileFile(release, releasesDir);
  // A tag, never a path: `../local` would otherwise read matrix/local.yaml as a profile.
  if (!RELEASE_TAG.pattern.test(release) || !existsSync(file)) {
    throw new InputError(displayPath(file), '', `no release profile for ${JSON.stringify(release)} (looked for ${displayPath(file)})`);
  }
  return loadReleaseProfile(file);
}

/** The releases with a profile in `releasesDir`, oldest first (by version, so v0.10.0 follows v0.9.0). */
export function encodedReleases(releasesDir = DEFAULT_RELEASES_DIR): string[] {
  return readdirSync(releasesDir)
    .map((name) => (name.endsWith('.yaml') && RELEASE_TAG.pattern.test(name.slice(0, -5)) ? name.slice(0, -5) : undefined))
    .filter((release): release is string => release !== undefined)
    .sort(compareReleases);
}

/** Orders release tags and component versions by semantic versioning (the semver package): v0.9.0 < v0.10.0 <
 *  v0.10.1, 3.19 = 3.19.0; a pre-release sorts before its release. */
export function compareReleases(a: string, b: string): number {
  return semver.compare(asVersion(a), asVersion(b));
}

/** A tag or version as semver reads it: a leading v and missing minor or patch numbers allowed (coerce), a
 *  pre-release kept; build metadata (+k3s1) plays no part in the order. */
function asVersion(text: string): semver.SemVer {
  const version = semver.coerce(text, { includePrerelease: true });
  if (!version) throw new Error(`failed to order versions: ${JSON.stringify(text)} is not a version`);
  return version;
}

const platformIdsByDir = new Map<string, string[]>();

/** Every platform some encoded release defines, in the order the releases first define them: the platform
 *  vocabulary is data (a release may add one), so a flag or a matrix naming a platform is checked against this. */
export function encodedPlatformIds(releasesDir = DEFAULT_RELEASES_DIR): string[] {
  const cached = platformIdsByDir.get(releasesDir);
  if (cached) return cached;
  const ids = new Set<string>();
  for (const release of encodedReleases(releasesDir)) {
    for (const id of Object.keys(loadRelease(release, releasesDir).platforms)) ids.add(id);
  }
  const list = [...ids];
  platformIdsByDir.set(releasesDir, list);
  return list;
}
