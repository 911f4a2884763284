import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReleaseProfile } from './check-release-profile.ts';
import { InputError } from './input-error.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { RELEASE_PROFILE_SCHEMA } from './schema/release-profile-schema.ts';
import { findViolation } from './schema/validate.ts';
import { displayPath, YamlSource } from './yaml-source.ts';

/** Where the release profiles shipped with the harness live. */
export const DEFAULT_RELEASES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'releases');

/** Reads, validates and cross-checks one release profile. Bad input throws InputError (`file:line:col: path: …`). */
export function loadReleaseProfile(file: string): ReleaseProfile {
  return releaseProfileFromSource(YamlSource.read(file), file);
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
  if (!existsSync(file)) {
    throw new InputError(displayPath(file), '', `no release profile for ${JSON.stringify(release)} (looked for ${displayPath(file)})`);
  }
  return loadReleaseProfile(file);
}
