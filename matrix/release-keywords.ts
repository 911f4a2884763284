import { encodedReleases } from './load-release-profile.ts';

/** Words a runner matrix may name instead of a release tag. They are resolved against the encoded release profiles
 *  (matrix/releases/, or the releases folder the loader is given) when the matrix loads, so the shipped defaults —
 *  matrix/local.yaml runs `latest`, matrix/nightly.yaml `latest` and `previous` — follow the newest profile: adding
 *  v0.22.0.yaml moves them with no change to code or to the matrices. A matrix that must stay on one release (a
 *  back catalogue, a sign-off of a given tag) names the tag.
 *  - `latest`: the newest encoded release (versions ordered by compareReleases)
 *  - `previous`: the one before it, the nightly baseline */
export const RELEASE_KEYWORDS = ['latest', 'previous'] as const;
export type ReleaseKeyword = (typeof RELEASE_KEYWORDS)[number];

export function isReleaseKeyword(value: string): value is ReleaseKeyword {
  return (RELEASE_KEYWORDS as readonly string[]).includes(value);
}

/** The release a keyword names in `releasesDir`, or why it names none. */
export function resolveReleaseKeyword(keyword: ReleaseKeyword, releasesDir: string): { release: string } | { problem: string } {
  const releases = encodedReleases(releasesDir);
  const index = releases.length - (keyword === 'latest' ? 1 : 2);
  const release = releases[index];
  if (release !== undefined) return { release };
  return { problem: releases.length === 0
    ? `${keyword}: there is no release profile to resolve it to`
    : `${keyword}: there is no release before ${releases[0]} (the only encoded release)` };
}

/** A release tag as given, or the tag a keyword names (for `report` / `signoff --release latest`). */
export function releaseTag(tagOrKeyword: string, releasesDir: string): string {
  if (!isReleaseKeyword(tagOrKeyword)) return tagOrKeyword;
  const resolved = resolveReleaseKeyword(tagOrKeyword, releasesDir);
  if ('problem' in resolved) throw new Error(`failed to resolve --release ${resolved.problem}`);
  return resolved.release;
}
