import type { CellFilter } from '../../matrix/expand-cells.ts';

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

export const RUN_USAGE = [
  'usage: coco-conformance run [--matrix FILE] [--runner NAME] [--cell ID] [--platform P] [--suite NAME…] [--out DIR]',
  '                            [--kubeconfig FILE [--context NAME]] [--keep-cluster] [--dry-run]',
  '                            [--rerun-failed RESULTS…] [--kbs-url URL --kbs-admin-key FILE]',
].join('\n');

/** Parses run's flags. Flags ending in … take one or more values (also comma-separated for --suite). A problem is
 *  returned as text (the CLI turns it into a one-line usage error, exit 2). */
export function parseRunArguments(argv: string[]): RunArguments | string {
  const args: RunArguments = { filter: {}, out: 'results', keepCluster: false, dryRun: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const many = (): string[] => {
      const values: string[] = [];
      while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) values.push(argv[++i]!);
      return values;
    };
    const one = (): string | undefined => (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') ? argv[++i] : undefined);
    const need = (value: string | undefined): string => {
      if (value === undefined) throw new MissingValue(flag);
      return value;
    };
    try {
      switch (flag) {
        case '--matrix': args.matrix = need(one()); break;
        case '--runner': args.filter.runner = need(one()); break;
        case '--cell': args.filter.cell = need(one()); break;
        case '--platform': args.filter.platform = need(one()); break;
        case '--suite': {
          const values = many().flatMap((v) => v.split(',')).filter(Boolean);
          if (!values.length) throw new MissingValue(flag);
          args.filter.suites = [...(args.filter.suites ?? []), ...values];
          break;
        }
        case '--out': args.out = need(one()); break;
        case '--kubeconfig': args.kubeconfig = need(one()); break;
        case '--context': args.context = need(one()); break;
        case '--keep-cluster': args.keepCluster = true; break;
        case '--dry-run': args.dryRun = true; break;
        case '--rerun-failed': {
          const values = many();
          if (!values.length) throw new MissingValue(flag);
          args.rerunFailed = values;
          break;
        }
        case '--kbs-url': args.kbsUrl = need(one()); break;
        case '--kbs-admin-key': args.kbsAdminKey = need(one()); break;
        case '--help': case '-h': args.help = true; break;
        default: return `unknown option ${flag}`;
      }
    } catch (error) {
      if (error instanceof MissingValue) return `${error.flag} needs a value`;
      throw error;
    }
  }
  if (Boolean(args.kbsUrl) !== Boolean(args.kbsAdminKey)) return '--kbs-url and --kbs-admin-key go together';
  if (args.context && !args.kubeconfig) return '--context needs --kubeconfig';
  if (args.rerunFailed && (args.matrix || Object.keys(args.filter).length)) {
    return '--rerun-failed takes its cells from the records; it does not combine with --matrix or cell filters';
  }
  return args;
}

class MissingValue extends Error {
  constructor(readonly flag: string) {
    super(`${flag} needs a value`);
  }
}
