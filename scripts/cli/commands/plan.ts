import { clusterLabel, FEATURES, planCells, type CellFilter, type PlannedCell } from '../../../matrix/index.ts';
import { UsageError } from '../main.ts';

const USAGE = 'usage: coco-conformance plan [--matrix FILE] [--runner NAME] [--cell ID] [--platform P] [--suite S…] [--json]';

interface PlanOptions {
  matrix?: string;
  filter: CellFilter;
  json: boolean;
}

/** `plan`: expand a matrix into cells and show each with the number of tests expected to pass, fail and skip. */
export async function planCommand(argv: string[]): Promise<number> {
  const options = parsePlanArgs(argv);
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const { matrix, cells } = planCells(options.matrix, options.filter);
  if (options.json) {
    console.log(JSON.stringify({ matrix: matrix.file, cells: cells.map(toJson) }, null, 2));
  } else {
    console.log(renderPlanTable(cells));
    console.log(`\n${cells.length} cell${cells.length === 1 ? '' : 's'} from ${matrix.file}`);
  }
  return 0;
}

/** Parses plan's flags; undefined means --help. `--suite` takes one or more values (also comma-separated). */
export function parsePlanArgs(argv: string[]): PlanOptions | undefined {
  const options: PlanOptions = { filter: {}, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value (see coco-conformance plan --help)`);
      i += 1;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return undefined;
      case '--json':
        options.json = true;
        break;
      case '--matrix':
        options.matrix = value();
        break;
      case '--runner':
        options.filter.runner = value();
        break;
      case '--cell':
        options.filter.cell = value();
        break;
      case '--platform':
        options.filter.platform = value();
        break;
      case '--suite': {
        const suites = options.filter.suites ?? [];
        suites.push(...value().split(','));
        while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) suites.push(...argv[++i]!.split(','));
        options.filter.suites = suites.filter(Boolean);
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)} (see coco-conformance plan --help)`);
    }
  }
  return options;
}

function toJson({ cell, tests, counts }: PlannedCell) {
  return { ...cell, expected: counts, tests: tests.map(({ outcome, ...test }) => ({ ...test, ...outcome })) };
}

const HEADERS = ['CELL', 'RUNNER', 'PLATFORM', 'CLUSTER', 'RUNTIME', 'PULL', 'SUITES', 'TESTS (pass/fail/skip)'];

/** A plain text table, one row per cell, columns padded to their widest value. */
export function renderPlanTable(cells: PlannedCell[]): string {
  const rows = cells.map(({ cell, tests, counts }) => [
    cell.id,
    cell.runner,
    cell.platform,
    clusterLabel(cell.cluster) + (cell.cluster.source ? ` (${cell.cluster.source})` : ''),
    cell.containerRuntime,
    cell.pullMode,
    cell.suites.length === FEATURES.length ? 'all' : cell.suites.join(','),
    `${tests.length} (${counts.pass}/${counts.fail}/${counts.skip})` + (cell.required ? '' : ' optional'),
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  return [HEADERS, ...rows].map((row) => row.map((text, column) => text.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}
