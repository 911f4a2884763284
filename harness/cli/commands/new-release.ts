import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_RELEASES_DIR, deriveCandidateProfile, InputError, loadRelease, loadReleaseProfile, releaseProfileFile } from '../../../matrix/index.ts';
import { RELEASE_TAG } from '../../../matrix/schema/release-profile-schema.ts';
import { readTextFile } from '../../../matrix/text-file.ts';
import { YAML_LIMITS } from '../../../matrix/yaml-limits.ts';
import { EXIT_CODES, parseArguments, UsageError, type CommandSyntax } from '../arguments.ts';

const USAGE = 'usage: coco-conformance new-release vX.Y.Z --from vPREV --versions FILE|URL --kata-ref REF [--kata-version V] ' +
  '[--chart DIR] [--kata-deploy-image REPO:TAG] [--date YYYY-MM-DD] [--releases-dir DIR] [--force]';

const NEW_RELEASE_SYNTAX = {
  name: 'new-release',
  operands: { usage: 'vX.Y.Z', description: 'the tag of the release the candidate profile is for' },
  flags: {
    from: { takes: 'value', value: 'vPREV', description: 'the encoded release the candidate starts from (required)' },
    versions: { takes: 'value', value: 'FILE|URL', description: 'kata\'s versions.yaml at the release\'s kata ref (required)' },
    'kata-ref': { takes: 'value', value: 'REF', description: 'the kata-containers git ref the release is built from (required)' },
    'kata-version': { takes: 'value', value: 'V', description: 'the kata version to record (default: from --kata-ref)' },
    chart: { takes: 'value', value: 'DIR', description: 'a kata-deploy chart directory instead of kata\'s chart at --kata-ref' },
    'kata-deploy-image': { takes: 'value', value: 'REPO:TAG', description: 'the kata-deploy image to install (default: kata CI\'s per arch)' },
    date: { takes: 'value', value: 'YYYY-MM-DD', description: 'the release date to record (default: today)' },
    'releases-dir': { takes: 'value', value: 'DIR', description: 'where the profiles are read and the candidate written (default: matrix/releases)' },
    force: { takes: 'switch', description: 'replace an existing profile of that release' },
  },
  exitCodes: { 0: 'the candidate profile is written (its review list printed)', 2: EXIT_CODES[2] },
} as const satisfies CommandSyntax;

/** A versions.yaml behind a URL is fetched once, bounded in time and size like a file. */
const FETCH_TIMEOUT_MS = 30_000;

/** `new-release vX.Y.Z --from vPREV`: writes matrix/releases/vX.Y.Z.yaml as a candidate (matrix/candidate-release.ts),
 *  validates it as every profile is validated, and prints what a person must review. */
export async function newReleaseCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArguments(argv, NEW_RELEASE_SYNTAX);
  const [release, ...extra] = positionals;
  if (!release || extra.length) throw new UsageError(`give one release tag (got ${positionals.length}); ${USAGE}`);
  if (!RELEASE_TAG.pattern.test(release)) throw new UsageError(`${JSON.stringify(release)} is not ${RELEASE_TAG.patternHint}`);
  for (const flag of ['from', 'versions', 'kata-ref'] as const) {
    if (!flags[flag]) throw new UsageError(`--${flag} is required; ${USAGE}`);
  }
  if (flags.date && !/^\d{4}-\d{2}-\d{2}$/.test(flags.date)) throw new UsageError(`--date ${flags.date}: expected YYYY-MM-DD`);
  if (flags.chart && !flags.chart.startsWith('/') && !flags.chart.startsWith('./') && !flags.chart.startsWith('../')) {
    throw new UsageError(`--chart ${flags.chart}: give a directory as a path (/…, ./…); the default is kata's kata-deploy chart at --kata-ref`);
  }
  const releasesDir = flags['releases-dir'] ?? DEFAULT_RELEASES_DIR;
  const previousFile = releaseProfileFile(flags.from!, releasesDir);
  const previous = loadRelease(flags.from!, releasesDir);
  const target = releaseProfileFile(release, releasesDir);
  if (existsSync(target) && !flags.force) throw new UsageError(`${target} exists (--force replaces it)`);

  const derived = deriveCandidateProfile({
    release,
    previous: { text: readFileSync(previousFile, 'utf8'), file: previousFile, profile: previous },
    versions: { text: await readVersionsYaml(flags.versions!), from: flags.versions! },
    kataRef: flags['kata-ref']!,
    kataVersion: flags['kata-version'],
    chartDir: flags.chart,
    kataDeployImage: flags['kata-deploy-image'],
    releaseDate: flags.date ?? new Date().toISOString().slice(0, 10),
  });
  // Written beside the target and checked as any profile is before it takes the release's name.
  mkdirSync(dirname(target), { recursive: true });
  const draft = join(dirname(target), `.${release}.candidate.yaml`);
  writeFileSync(draft, derived.text);
  try {
    loadReleaseProfile(draft);
  } catch (error) {
    rmSync(draft, { force: true });
    throw error;
  }
  renameSync(draft, target);
  console.log(`wrote ${target}: ${release} (candidate) from ${previous.release}, components of kata ${flags['kata-ref']}`);
  console.log(`review before it is the release (then delete its candidate: block):`);
  for (const item of derived.candidate.review) console.log(`  ${item.path}: ${item.why}`);
  return 0;
}

/** A file, or a URL the runner can reach (raw.githubusercontent.com/kata-containers/kata-containers/<ref>/versions.yaml).
 *  A URL is read as a file is: bounded in time (`timeoutMs` for the whole answer, headers and body) and in size (the
 *  YAML limit, counted while the body streams in, so an endless answer stops at the limit), UTF-8 or refused; every
 *  failure is one InputError line naming the URL. */
export async function readVersionsYaml(from: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<string> {
  if (!/^https?:\/\//.test(from)) return readTextFile(from, from, { format: 'YAML', maxBytes: YAML_LIMITS.maxBytes });
  const refuse = (problem: string) => new InputError(from, '', problem);
  const limit = YAML_LIMITS.maxBytes;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(from, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw refuse(`failed to fetch: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await response.body?.cancel();
      throw refuse(`is ${declared} bytes; the limit is ${limit}`);
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of response.body ?? []) {
      length += chunk.byteLength;
      // Leaving the loop cancels the body: the rest is never read.
      if (length > limit) throw refuse(`is more than ${limit} bytes; the limit is ${limit}`);
      chunks.push(chunk);
    }
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      throw refuse('not a YAML text file (not valid UTF-8)');
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (signal.aborted) throw refuse(`failed to fetch: no complete answer within ${timeoutMs / 1000} s`);
    throw refuse(`failed to fetch: ${fetchFailure(error)}`);
  }
}

/** fetch() says only "fetch failed"; what failed (connect ECONNREFUSED 127.0.0.1:9, getaddrinfo ENOTFOUND …) is its
 *  cause. */
function fetchFailure(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
