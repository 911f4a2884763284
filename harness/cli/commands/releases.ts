import { DEFAULT_RELEASES_DIR, describeHelmChart, diffReleaseProfiles, releaseLabel, encodedReleases, loadRelease, releaseTag, type ReleaseDiff, type ReleaseProfile } from '../../../matrix/index.ts';
import { markdownTable, plainTable } from '../../../reporters/render-text.ts';
import { checkReleaseTag, EXIT_CODES, parseArguments, UsageError, type CommandSyntax } from '../arguments.ts';

const RELEASES_SYNTAX = {
  name: 'releases',
  flags: { json: { takes: 'switch', description: 'print the releases as JSON' } },
  exitCodes: { 0: EXIT_CODES[0], 2: EXIT_CODES[2] },
  details: 'One row per profile in matrix/releases, oldest first.',
} as const satisfies CommandSyntax;

const DIFF_SYNTAX = {
  name: 'diff-release',
  operands: { usage: 'vA vB', description: 'two encoded release tags (`coco-conformance releases` lists them), e.g. v0.17.0 v0.18.0' },
  flags: { json: { takes: 'switch', description: 'print the differences as JSON instead of Markdown' } },
  exitCodes: { 0: EXIT_CODES[0], 2: EXIT_CODES[2] },
} as const satisfies CommandSyntax;

/** `releases`: the releases encoded in matrix/releases, oldest first, with what a runner needs to know of each. */
export async function releasesCommand(argv: string[]): Promise<number> {
  const { flags } = parseArguments(argv, RELEASES_SYNTAX);
  const profiles = encodedReleases().map((release) => loadRelease(release));
  if (flags.json) {
    console.log(JSON.stringify(profiles.map(summaryOf), null, 2));
    return 0;
  }
  const rows = profiles.map((p) => {
    const s = summaryOf(p);
    return [s.release, s.date, `kata ${s.kata}`, s.install, s.kbsConfig, s.shipped.join(', ')];
  });
  console.log(plainTable([['RELEASE', 'DATE', 'KATA', 'INSTALL', 'KBS VIA', 'PLATFORMS SHIPPED'], ...rows]));
  console.log(`\n${profiles.length} release${profiles.length === 1 ? '' : 's'} encoded (matrix/releases)`);
  return 0;
}

function summaryOf(p: ReleaseProfile) {
  return {
    release: releaseLabel(p),
    date: p.releaseDate,
    kata: p.components.kata.version,
    trustee: p.components.trustee.ref,
    install: p.install.method === 'helm' ? `helm ${p.install.version ?? describeHelmChart(p.install)}` : `operator ${p.components.operator?.version ?? ''}`.trim(),
    kbsConfig: p.guestComponents.kbsConfig + (p.guestComponents.initData ? ' (init-data tests)' : ''),
    shipped: Object.entries(p.platforms).filter(([, spec]) => spec?.shipped).map(([id]) => id),
  };
}

/** `diff-release vA vB`: what changed between two encoded releases — mechanics, components, platforms, claims,
 *  limitations, tests — the table a release team reviews when it bumps the baseline. */
export async function diffReleaseCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArguments(argv, DIFF_SYNTAX);
  if (positionals.length !== 2) throw new UsageError(`give two releases, e.g. v0.17.0 v0.18.0 (got ${positionals.length}); usage: coco-conformance diff-release vA vB [--json]`);
  const [from, to] = positionals.map((release) => loadRelease(releaseTag(checkReleaseTag(release), DEFAULT_RELEASES_DIR))) as [ReleaseProfile, ReleaseProfile];
  const diff = diffReleaseProfiles(from, to);
  console.log(flags.json ? JSON.stringify(diff, null, 2) : renderReleaseDiff(diff));
  return 0;
}

/** Markdown, so it can be pasted into the release issue as is. */
export function renderReleaseDiff(diff: ReleaseDiff): string {
  const out: string[] = [`# ${diff.from} → ${diff.to}`];
  const section = (title: string, headers: string[], rows: string[][]) => {
    out.push('', `## ${title}`, '');
    if (rows.length === 0) out.push('(no change)');
    else out.push(markdownTable(headers, rows));
  };
  const changes = (title: string, list: ReleaseDiff['mechanics']) =>
    section(title, ['what', diff.from, diff.to], list.map((c) => [c.what, c.from, c.to]));
  changes('Mechanics', diff.mechanics);
  changes('Components', diff.components);
  changes('Platforms', diff.platforms);
  section('Claims', ['feature', 'platform', diff.from, diff.to, 'note'],
    diff.claims.map((c) => [c.feature, c.platform, c.from, c.to, c.note ?? '']));
  section('Limitations', ['', 'release-notes sentence'],
    [...diff.limitations.added.map((t) => ['added', t]), ...diff.limitations.removed.map((t) => ['removed', t])]);
  section('Tests', ['', 'test'], [...diff.tests.added.map((t) => ['added', t]), ...diff.tests.dropped.map((t) => ['dropped', t])]);
  section('Expected outcomes', ['test', 'platform', diff.from, diff.to], diff.expectations.map((e) => [e.test, e.platform, e.from, e.to]));
  changes('Every other changed field', diff.details);
  if (diff.review) section(`To review before ${diff.to} is the release`, ['profile path', 'why'], diff.review.map((r) => [r.path, r.why]));
  return out.join('\n');
}
