import { existsSync } from 'node:fs';
import {
  DEFAULT_RELEASES_DIR, encodedPlatformIds, loadRelease, loadReleaseProfile, releaseTag, type PlatformId, type ReleaseProfile,
} from '../../../matrix/index.ts';
import {
  buildCompatibilityReportFromFiles, REPORT_FORMATS, writeReportFiles, type CompatibilityReport, type ReportFormat,
} from '../../../reporters/index.ts';
import { checkReleaseTag, EXIT_CODES, parseArguments, quote, UsageError, type CommandSyntax, type FlagSpecs } from '../arguments.ts';
import { checkOutputFolder } from '../output-folder.ts';

const USAGE = 'usage: coco-conformance report RESULTS… --release vX [--baseline RESULTS…] [--out DIR] [--format html,md,json,junit] ' +
  '[--history NIGHTS] [--alert-after NIGHTS]';

/** The flags `report` and `signoff` share: where the records are and which release they are judged against. */
export const RESULTS_FLAGS = {
  release: { takes: 'value', value: 'vX', description: 'the release the records are judged against (an encoded tag: `coco-conformance releases`)' },
  profile: { takes: 'value', value: 'FILE', description: 'a release profile file instead of --release (a draft for a release not yet in matrix/releases)' },
  platforms: {
    takes: 'list', value: 'PLATFORM', choices: () => encodedPlatformIds(),
    description: 'the platforms the sign-off requires (default: those the release ships)',
  },
} as const satisfies FlagSpecs;

/** RESULTS…: what report and signoff read. */
export const RESULTS_OPERANDS = {
  usage: 'RESULTS…',
  description: 'result record files (*.json) or folders holding them (searched recursively), e.g. a night\'s --out of `run`',
};

const REPORT_SYNTAX = {
  name: 'report',
  operands: RESULTS_OPERANDS,
  flags: {
    ...RESULTS_FLAGS,
    baseline: { takes: 'values', value: 'RESULTS', description: 'records of an earlier run to compare with (the report then shows what changed)' },
    out: { takes: 'value', value: 'DIR', description: 'the folder the report files go to (default: report)' },
    format: { takes: 'list', value: 'FORMAT', choices: REPORT_FORMATS, description: 'which report files to write (default: all)' },
    history: { takes: 'value', value: 'NIGHTS', description: 'nights of history per grid cell, the weather strip (default 10)' },
    'alert-after': { takes: 'value', value: 'NIGHTS', description: 'failing nights in a row that raise an alert (default 3)' },
  },
  exitCodes: { 0: 'the report is written (also when tests failed: the verdict is `signoff`\'s)', 2: EXIT_CODES[2] },
} as const satisfies CommandSyntax;

/** What `report` and `signoff` are asked to judge. */
export interface ResultsArgs {
  results: string[];
  release?: string;
  profile?: string;
  baseline?: string[];
  platforms?: PlatformId[];
  /** Nights shown per cell (default 10, as the kata ci-dashboard) and the streak that alerts (default 3, TestGrid's). */
  history?: { nights?: number; alertAfter?: number };
  /** The command's usage line, for the messages that need it. */
  usage: string;
}

/** `report`: merge result records into the compatibility report. Exit 0 even when tests failed (the verdict is
 *  `signoff`'s job); exit 2 for bad input (unknown release, missing results path, no valid record, bad flag). */
export async function reportCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArguments(argv, REPORT_SYNTAX);
  const out = flags.out ?? 'report';
  const args: ResultsArgs = {
    results: positionals, release: flags.release, profile: flags.profile, baseline: flags.baseline,
    platforms: flags.platforms as PlatformId[] | undefined, usage: USAGE,
    history: { nights: nightsFlag('--history', flags.history), alertAfter: nightsFlag('--alert-after', flags['alert-after']) },
  };
  checkResultsArgs(args);
  checkOutputFolder(out);
  const report = await buildReportFromArgs(args);
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  const paths = writeReport(report, out, (flags.format as ReportFormat[] | undefined) ?? [...REPORT_FORMATS]);
  for (const path of paths) console.log(path);
  console.log(`sign-off would be ${report.signoff.verdict} (run \`coco-conformance signoff\` for the verdict and its exit code)`);
  return 0;
}

/** The checks on RESULTS… and the release that need no file read: one line each, naming the command's usage. */
export function checkResultsArgs(args: ResultsArgs): void {
  if (args.results.length === 0) throw new UsageError(`no RESULTS given (record files or folders); ${args.usage}`);
  if (!args.release && !args.profile) throw new UsageError(`--release vX (or --profile FILE) is required; ${args.usage}`);
  if (args.release && args.profile) throw new UsageError('give --release or --profile, not both');
  if (args.release) checkReleaseTag(args.release, '--release');
}

/** Loads the profile and streams the records and the baseline named by the flags into the report (one file at a
 *  time: a year of nights is never held in memory). RESULTS (and a baseline) without a single valid record is bad
 *  input: a report of nothing would read as a release with no runners, so it ends with one line naming what was
 *  wrong with the files. */
export async function buildReportFromArgs(args: ResultsArgs): Promise<CompatibilityReport> {
  const profile = profileOf(args);
  for (const path of [...args.results, ...(args.baseline ?? [])]) {
    if (!existsSync(path)) throw new UsageError(`results path ${path} does not exist`);
  }
  const report = await buildCompatibilityReportFromFiles({
    results: args.results, profile, ...(args.baseline ? { baseline: args.baseline } : {}),
    ...(args.platforms ? { signoffPlatforms: args.platforms } : {}),
    ...(args.history ? { history: withoutUndefined(args.history) } : {}),
  });
  const baselineWarnings = report.warnings.filter((w) => w.startsWith('baseline: '));
  if (report.records === 0) noRecords('RESULTS', report.warnings.filter((w) => !w.startsWith('baseline: ')));
  if (report.diff && report.diff.records === 0) noRecords('--baseline', baselineWarnings.map((w) => w.slice('baseline: '.length)));
  return report;
}

function noRecords(what: string, warnings: readonly string[]): never {
  const [first, ...others] = warnings;
  if (first === undefined) throw new UsageError(`no result record in ${what} (no *.json record file found)`);
  const more = others.length > 0 ? ` (and ${others.length} more file${others.length === 1 ? '' : 's'} skipped)` : '';
  throw new UsageError(`no valid result record in ${what}: ${first}${more}`);
}

/** A night count flag: a whole number from 1 to 3650 (ten years of nights), else one line. */
function nightsFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const nights = Number(value);
  if (!Number.isInteger(nights) || nights < 1 || nights > 3650) throw new UsageError(`${flag} ${quote(value)}: expected a whole number of nights from 1 to 3650`);
  return nights;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function profileOf(args: ResultsArgs): ReleaseProfile {
  // --release takes a tag or a matrix keyword (latest, previous), so a workflow follows the newest profile as
  // matrix/nightly.yaml does.
  return args.profile ? loadReleaseProfile(args.profile) : loadRelease(releaseTag(args.release!, DEFAULT_RELEASES_DIR));
}

/** Writes the report files; a folder that cannot take them (full disk, a file in the way) is one line, exit 2. */
function writeReport(report: CompatibilityReport, out: string, formats: ReportFormat[]): string[] {
  try {
    return writeReportFiles(report, out, formats);
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    if (!code) throw error;
    throw new UsageError(`failed to write the report to --out ${out}: ${code}${path ? ` (${path})` : ''}`);
  }
}
