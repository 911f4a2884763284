import { EXIT_CODES, parseArguments, UsageError, type CommandSyntax } from '../arguments.ts';
import { buildReportFromArgs, checkResultsArgs, RESULTS_FLAGS, RESULTS_OPERANDS, type ResultsArgs } from './report.ts';

const USAGE = 'usage: coco-conformance signoff RESULTS… --release vX [--platforms tdx,snp,se]   exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE';

/** What `signoff --json` prints; the version changes when a field changes meaning or goes. */
export const SIGNOFF_JSON_SCHEMA_VERSION = 1;

/** signoff's flags are report's, less the output ones; --baseline is known only to say where it belongs. */
const SIGNOFF_SYNTAX = {
  name: 'signoff',
  operands: RESULTS_OPERANDS,
  flags: {
    ...RESULTS_FLAGS,
    baseline: { takes: 'values', value: 'RESULTS', description: 'refused here: a comparison belongs to `report`' },
    json: { takes: 'switch', description: `print the verdict, its reasons and notes as JSON (schemaVersion ${SIGNOFF_JSON_SCHEMA_VERSION})` },
  },
  exitCodes: { 0: 'PASS', 1: 'FAIL', 2: EXIT_CODES[2], 3: 'INCONCLUSIVE (a required platform or test has no result)' },
} as const satisfies CommandSyntax;

/** `signoff`: the release verdict from result records. Prints the verdict and every reason one per line; the
 *  exit code is the verdict (0 PASS, 1 FAIL, 3 INCONCLUSIVE; 2 bad input). The rules: reporters/signoff-verdict.ts. */
export async function signoffCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArguments(argv, SIGNOFF_SYNTAX);
  if (flags.baseline) throw new UsageError('--baseline belongs to `report`; the sign-off reads only this release\'s results');
  const args: ResultsArgs = {
    results: positionals, release: flags.release, profile: flags.profile, platforms: flags.platforms as ResultsArgs['platforms'], usage: USAGE,
  };
  checkResultsArgs(args);
  const report = await buildReportFromArgs(args);
  for (const warning of report.warnings) console.error(`warning: ${warning}`);
  const { verdict, reasons, notes, scope, exitCode } = report.signoff;
  if (flags.json) {
    const json = {
      schemaVersion: SIGNOFF_JSON_SCHEMA_VERSION, release: report.release, releaseLabel: report.releaseLabel, verdict, exitCode,
      requiredPlatforms: scope, cellRuns: report.runs.length, reasons, notes, warnings: report.warnings,
    };
    console.log(JSON.stringify(json, null, 2));
    return exitCode;
  }
  console.log(`${verdict}: ${report.releaseLabel} sign-off over ${report.runs.length} cell run(s); required platforms: ${scope.join(', ') || 'none'}`);
  for (const reason of reasons) console.log(reason);
  for (const note of notes) console.log(`note: ${note}`);
  return exitCode;
}
