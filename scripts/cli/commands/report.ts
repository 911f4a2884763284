import { existsSync } from 'node:fs';
import { loadRelease, loadReleaseProfile, PLATFORMS, type PlatformId, type ReleaseProfile } from '../../../matrix/index.ts';
import {
  buildCompatibilityReport, loadResultRecords, REPORT_FORMATS, writeReportFiles, type CompatibilityReport, type ReportFormat,
} from '../../../reporters/index.ts';
import { UsageError } from '../main.ts';

const USAGE = 'usage: coco-conformance report RESULTS… --release vX [--baseline RESULTS…] [--out DIR] [--format html,md,json,junit]';

/** Flags shared by `report` and `signoff`. */
export interface ResultsArgs {
  results: string[];
  release?: string;
  /** A profile file instead of --release (a draft profile for a release not yet in matrix/releases). */
  profile?: string;
  baseline?: string[];
  out: string;
  formats: ReportFormat[];
  platforms?: PlatformId[];
  help: boolean;
}

/** `report`: merge result records into the compatibility report. Exit 0 even when tests failed (the verdict is
 *  `signoff`'s job); exit 2 for bad input (unknown release, missing results path, bad flag). */
export async function reportCommand(argv: string[]): Promise<number> {
  const args = parseResultsArgs(argv, USAGE);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const report = buildReportFromArgs(args);
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  const paths = writeReportFiles(report, args.out, args.formats);
  for (const path of paths) console.log(path);
  console.log(`sign-off would be ${report.signoff.verdict} (run \`coco-conformance signoff\` for the verdict and its exit code)`);
  return 0;
}

/** Loads the profile, the records and the baseline named by the flags, and builds the report. */
export function buildReportFromArgs(args: ResultsArgs): CompatibilityReport {
  const profile = profileOf(args);
  for (const path of [...args.results, ...(args.baseline ?? [])]) {
    if (!existsSync(path)) throw new UsageError(`results path ${path} does not exist`);
  }
  const loaded = loadResultRecords(args.results);
  const baseline = args.baseline ? loadResultRecords(args.baseline) : undefined;
  return buildCompatibilityReport({
    records: loaded.records,
    profile,
    baseline: baseline?.records,
    warnings: [...loaded.warnings, ...(baseline?.warnings ?? []).map((w) => `baseline: ${w}`)],
    signoffPlatforms: args.platforms,
  });
}

function profileOf(args: ResultsArgs): ReleaseProfile {
  if (args.profile) return loadReleaseProfile(args.profile);
  if (!args.release) throw new UsageError(`--release vX (or --profile FILE) is required\n${USAGE}`);
  return loadRelease(args.release);
}

/** RESULTS… are the arguments no flag took. `--baseline` takes every following argument up to the next flag, so
 *  write it after the results: `report a.json dir/ --baseline old/ --release v0.9.0`. */
export function parseResultsArgs(argv: readonly string[], usage: string): ResultsArgs {
  const args: ResultsArgs = { results: [], out: 'report', formats: [...REPORT_FORMATS], help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value\n${usage}`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '--help': case '-h': args.help = true; break;
      case '--release': args.release = value(); break;
      case '--profile': args.profile = value(); break;
      case '--out': args.out = value(); break;
      case '--format': args.formats = listOf(value(), REPORT_FORMATS, '--format'); break;
      case '--platforms': args.platforms = listOf(value(), PLATFORMS, '--platforms'); break;
      case '--baseline': {
        const list = inline !== undefined ? [inline] : [];
        while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) list.push(argv[++i]!);
        if (list.length === 0) throw new UsageError(`--baseline needs at least one results path\n${usage}`);
        args.baseline = [...(args.baseline ?? []), ...list];
        break;
      }
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}\n${usage}`);
        args.results.push(arg);
    }
  }
  if (!args.help && args.results.length === 0) throw new UsageError(`no RESULTS given (record files or folders)\n${usage}`);
  return args;
}

function listOf<T extends string>(text: string, allowed: readonly T[], flag: string): T[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (bad.length || items.length === 0) throw new UsageError(`${flag}: unknown value ${bad.join(', ') || '(empty)'}; expected some of ${allowed.join(', ')}`);
  return items as T[];
}
