import { parseArguments, UsageError } from '../arguments.ts';
import { buildReportFromArgs, checkResultsArgs, RESULTS_FLAGS, type ResultsArgs } from './report.ts';

const USAGE = 'usage: coco-conformance signoff RESULTS… --release vX [--platforms tdx,snp,se]   exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE';

/** signoff's flags are report's, less the output ones; --baseline is known only to say where it belongs. */
const SIGNOFF_FLAGS = { ...RESULTS_FLAGS, baseline: { takes: 'values' } } as const;

/** `signoff`: the release verdict from result records. Prints the verdict and every reason one per line; the
 *  exit code is the verdict (0 PASS, 1 FAIL, 3 INCONCLUSIVE; 2 bad input). The rules: reporters/signoff-verdict.ts. */
export async function signoffCommand(argv: string[]): Promise<number> {
  const { flags, positionals, help } = parseArguments(argv, SIGNOFF_FLAGS, { positionals: true });
  if (help) {
    console.log(USAGE);
    return 0;
  }
  if (flags.baseline) throw new UsageError('--baseline belongs to `report`; the sign-off reads only this release\'s results');
  const args: ResultsArgs = {
    results: positionals, release: flags.release, profile: flags.profile, platforms: flags.platforms as ResultsArgs['platforms'], usage: USAGE,
  };
  checkResultsArgs(args);
  const report = buildReportFromArgs(args);
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  const { verdict, reasons, notes, scope, exitCode } = report.signoff;
  console.log(`${verdict}: ${report.releaseLabel} sign-off over ${report.runs.length} cell run(s); required platforms: ${scope.join(', ') || 'none'}`);
  for (const reason of reasons) console.log(reason);
  for (const note of notes) console.log(`note: ${note}`);
  return exitCode;
}
