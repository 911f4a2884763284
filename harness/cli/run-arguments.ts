import { statSync } from 'node:fs';
import type { CellFilter } from '../../matrix/expand-cells.ts';
import { YamlSource } from '../../matrix/index.ts';
import { CELL_SELECTION_FLAGS, parseArguments, quote, UsageError, type CommandSyntax } from './arguments.ts';

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
  verbose: boolean;
}

export const RUN_SYNTAX = {
  name: 'run',
  flags: {
    ...CELL_SELECTION_FLAGS,
    out: { takes: 'value', value: 'DIR', description: 'where the result records, logs and reports go (default: results)' },
    kubeconfig: { takes: 'value', value: 'FILE', description: 'run on this existing cluster instead of provisioning one' },
    context: { takes: 'value', value: 'NAME', description: 'the kubeconfig context to use (with --kubeconfig)' },
    'keep-cluster': { takes: 'switch', description: 'leave the cluster and its state folder after the run (for debugging)' },
    'dry-run': { takes: 'switch', description: 'change nothing: write each cell\'s commands.sh and manifests, print a line per cell' },
    verbose: { takes: 'switch', description: 'with --dry-run: also print every cell\'s commands.sh' },
    'rerun-failed': { takes: 'values', value: 'RESULTS', description: 'run again only the failed tests of these records (files or folders)' },
    'kbs-url': { takes: 'value', value: 'URL', description: 'use this running KBS (http or https) instead of deploying one; with --kbs-admin-key' },
    'kbs-admin-key': { takes: 'value', value: 'FILE', description: 'the admin private key (PEM) of the KBS at --kbs-url' },
  },
  exitCodes: {
    0: 'every cell ran and its suites passed as expected',
    1: 'a cell failed (an infrastructure step, or a test outcome other than expected)',
    2: 'bad input: an unknown flag or value, a matrix or file that is not what it should be (one line on stderr)',
    130: 'interrupted by SIGINT (teardown ran)',
    143: 'interrupted by SIGTERM (teardown ran)',
  },
} as const satisfies CommandSyntax;

/** Parses run's flags with the one argument parser every command uses (harness/cli/arguments.ts): `--flag value` and
 *  `--flag=value`, a typo named with the closest flag. A problem is a UsageError of one line (exit 2). */
export function parseRunArguments(argv: string[]): RunArguments {
  const { flags } = parseArguments(argv, RUN_SYNTAX);
  const filter: CellFilter = {
    ...(flags.runner ? { runner: flags.runner } : {}),
    ...(flags.cell ? { cell: flags.cell } : {}),
    ...(flags.platform ? { platform: flags.platform as CellFilter['platform'] } : {}),
    ...(flags.suite ? { suites: flags.suite as CellFilter['suites'] } : {}),
  };
  const args: RunArguments = {
    filter, out: flags.out ?? 'results', keepCluster: flags['keep-cluster'] === true, dryRun: flags['dry-run'] === true, verbose: flags.verbose === true,
    ...(flags.matrix ? { matrix: flags.matrix } : {}),
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    ...(flags['rerun-failed'] ? { rerunFailed: flags['rerun-failed'] } : {}),
    ...(flags['kbs-url'] ? { kbsUrl: flags['kbs-url'] } : {}),
    ...(flags['kbs-admin-key'] ? { kbsAdminKey: flags['kbs-admin-key'] } : {}),
  };
  if (Boolean(args.kbsUrl) !== Boolean(args.kbsAdminKey)) throw new UsageError('--kbs-url and --kbs-admin-key go together');
  if (args.context && !args.kubeconfig) throw new UsageError('--context needs --kubeconfig');
  if (args.verbose && !args.dryRun) throw new UsageError('--verbose goes with --dry-run (a real run logs every step anyway)');
  if (args.kbsUrl && !/^https?:\/\/[^/\s]+/i.test(args.kbsUrl)) throw new UsageError(`--kbs-url ${quote(args.kbsUrl)}: expected an http:// or https:// URL`);
  if (args.rerunFailed && (args.matrix || Object.keys(args.filter).length)) {
    throw new UsageError('--rerun-failed takes its cells from the records; it does not combine with --matrix or cell filters');
  }
  return args;
}

/** The files run's flags name, checked before any work (a dry run too, so a typo shows before the night): a
 *  --kubeconfig is a kubeconfig (a YAML map with at least one cluster, and the --context when one is given), the
 *  --kbs-admin-key a file. Each problem is one line (InputError or UsageError, exit 2). */
export function checkRunFiles(args: RunArguments): void {
  if (args.kubeconfig) {
    const source = YamlSource.read(args.kubeconfig);
    const config = source.value as { clusters?: unknown; contexts?: unknown } | null;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw source.error([], 'not a kubeconfig (expected a YAML map with clusters, contexts and users)');
    }
    if (!Array.isArray(config.clusters) || config.clusters.length === 0) throw source.error(['clusters'], 'not a kubeconfig: it names no cluster');
    const contexts = Array.isArray(config.contexts) ? config.contexts.map((c) => (c as { name?: unknown } | null)?.name).filter((n) => typeof n === 'string') : [];
    if (args.context && !contexts.includes(args.context)) {
      throw source.error(['contexts'], `no context ${quote(args.context)} (contexts: ${contexts.join(', ') || 'none'})`);
    }
  }
  if (args.kbsAdminKey) {
    let isFile = false;
    try {
      isFile = statSync(args.kbsAdminKey).isFile();
    } catch {
      throw new UsageError(`--kbs-admin-key ${quote(args.kbsAdminKey)} does not exist`);
    }
    if (!isFile) throw new UsageError(`--kbs-admin-key ${quote(args.kbsAdminKey)} is not a file`);
  }
}
