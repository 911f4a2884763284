import type { CellFilter } from '../../matrix/expand-cells.ts';
import { CELL_SELECTION_FLAGS, parseArguments, UsageError } from './arguments.ts';

/** `run`'s flags, parsed. */
export interface RunArguments {
  matrix?: string;
  filter: CellFilter;
  out: string;
  kubeconfig?: string;
  context?: string;
  keepCluster: boolean;
  dryRun: boolean;
  rerunFailed?: string[];
  kbsUrl?: string;
  kbsAdminKey?: string;
  help: boolean;
}

export const RUN_USAGE = 'usage: coco-conformance run [--matrix FILE] [--runner NAME] [--cell ID] [--platform P] [--suite NAME…] ' +
  '[--out DIR] [--kubeconfig FILE [--context NAME]] [--keep-cluster] [--dry-run] [--rerun-failed RESULTS…] ' +
  '[--kbs-url URL --kbs-admin-key FILE]';

const RUN_FLAGS = {
  ...CELL_SELECTION_FLAGS,
  out: { takes: 'value' },
  kubeconfig: { takes: 'value' },
  context: { takes: 'value' },
  'keep-cluster': { takes: 'switch' },
  'dry-run': { takes: 'switch' },
  'rerun-failed': { takes: 'values' },
  'kbs-url': { takes: 'value' },
  'kbs-admin-key': { takes: 'value' },
} as const;

/** Parses run's flags with the one argument parser every command uses (scripts/cli/arguments.ts): `--flag value` and
 *  `--flag=value`, a typo named with the closest flag. A problem is a UsageError of one line (exit 2). */
export function parseRunArguments(argv: string[]): RunArguments {
  const { flags, help } = parseArguments(argv, RUN_FLAGS, { positionals: false });
  const filter: CellFilter = {
    ...(flags.runner ? { runner: flags.runner } : {}),
    ...(flags.cell ? { cell: flags.cell } : {}),
    ...(flags.platform ? { platform: flags.platform as CellFilter['platform'] } : {}),
    ...(flags.suite ? { suites: flags.suite as CellFilter['suites'] } : {}),
  };
  const args: RunArguments = {
    filter, out: flags.out ?? 'results', keepCluster: flags['keep-cluster'] === true, dryRun: flags['dry-run'] === true, help,
    ...(flags.matrix ? { matrix: flags.matrix } : {}),
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    ...(flags['rerun-failed'] ? { rerunFailed: flags['rerun-failed'] } : {}),
    ...(flags['kbs-url'] ? { kbsUrl: flags['kbs-url'] } : {}),
    ...(flags['kbs-admin-key'] ? { kbsAdminKey: flags['kbs-admin-key'] } : {}),
  };
  if (help) return args;
  if (Boolean(args.kbsUrl) !== Boolean(args.kbsAdminKey)) throw new UsageError('--kbs-url and --kbs-admin-key go together');
  if (args.context && !args.kubeconfig) throw new UsageError('--context needs --kubeconfig');
  if (args.rerunFailed && (args.matrix || Object.keys(args.filter).length)) {
    throw new UsageError('--rerun-failed takes its cells from the records; it does not combine with --matrix or cell filters');
  }
  return args;
}
