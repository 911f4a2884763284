import { readFile } from 'node:fs/promises';
import { cellId, DEFAULT_MATRIX_FILE, expandCells, loadRunnerMatrix, type Cell } from '../../../matrix/index.ts';
import { UsageError } from '../main.ts';
import { failedSelection } from '../../pipeline/rerun-failed.ts';
import { guardSignals } from '../../pipeline/signals.ts';
import { Progress } from '../../pipeline/progress.ts';
import { runCells, runExitCode } from '../../pipeline/run-pipeline.ts';
import { parseRunArguments, RUN_USAGE, type RunArguments } from '../../pipeline/run-arguments.ts';
import type { CellResult } from '../../pipeline/pipeline-options.ts';

/** `run`: per cell plan → provision → install → KBS → suites → collect → teardown → result record. Named
 *  runCommand because scripts/cli/main.ts loads it by that name (it is not scripts/exec's runCommand). */
export async function runCommand(argv: string[]): Promise<number> {
  const parsed = parseRunArguments(argv);
  if (typeof parsed === 'string') throw new UsageError(`${parsed}\n${RUN_USAGE}`);
  if (parsed.help) {
    console.log(RUN_USAGE);
    return 0;
  }
  // Platform setups (e.g. the control platform's registry and KBS double) register themselves on import.
  await import('../../pipeline/registered-platform-setups.ts');
  const { cells, testIds } = selectCells(parsed);
  if (!cells.length) {
    console.log('nothing to run: no cell selected');
    return 0;
  }
  const guard = guardSignals();
  const runId = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  let results: CellResult[];
  try {
    results = await runCells(cells, {
      runId,
      outDir: parsed.out,
      keepCluster: parsed.keepCluster,
      dryRun: parsed.dryRun,
      externalKbs: parsed.kbsUrl && parsed.kbsAdminKey ? { url: parsed.kbsUrl, adminKeyFile: parsed.kbsAdminKey } : undefined,
      testIds,
      signal: guard.signal,
      progress: new Progress(),
      log: (line) => console.error(line),
    });
  } finally {
    guard.dispose();
  }
  await printSummary(results, parsed.dryRun);
  const interrupted = guard.interrupted();
  return interrupted ? interrupted.exitCode : runExitCode(results);
}

function selectCells(args: RunArguments): { cells: Cell[]; testIds?: Map<string, string[]> } {
  let cells: Cell[];
  let testIds: Map<string, string[]> | undefined;
  if (args.rerunFailed) {
    const selection = failedSelection(args.rerunFailed);
    for (const warning of selection.warnings) console.error(`warning: ${warning}`);
    cells = selection.cells;
    testIds = selection.testIds;
  } else {
    cells = expandCells(loadRunnerMatrix(args.matrix ?? DEFAULT_MATRIX_FILE), args.filter);
  }
  if (args.kubeconfig) {
    const moved = cells.map((cell) => ({ from: cell.id, cell: onExisting(cell, args.kubeconfig!, args.context) }));
    cells = moved.map((m) => m.cell);
    if (testIds) testIds = new Map(moved.flatMap((m) => (testIds!.has(m.from) ? [[m.cell.id, testIds!.get(m.from)!]] : [])));
  }
  return { cells, testIds };
}

/** --kubeconfig: the same cell on the given cluster. Its id says `existing`, so a record never claims a kubeadm
 *  cluster the harness did not build. Test ids of a rerun follow the renamed cell. */
function onExisting(cell: Cell, kubeconfig: string, context?: string): Cell {
  const cluster = { distro: 'existing' as const, kubeconfig, ...(context ? { context } : {}) };
  return { ...cell, cluster, id: cellId(cell.release, cell.platform, cluster, cell.containerRuntime, cell.pullMode) };
}

async function printSummary(results: CellResult[], dryRun: boolean): Promise<void> {
  for (const result of results) {
    if (dryRun && result.dryRunFiles?.[0]) {
      console.log(`\n# ${result.cell.id}: ${result.dryRunFiles[0]}`);
      console.log(await readFile(result.dryRunFiles[0], 'utf8'));
    }
    const where = result.recordFile ? ` → ${result.recordFile}` : '';
    const why = result.failedStep ? ` (${result.failedStep}: ${result.error?.split('\n')[0]})` : '';
    console.log(`${result.status.padEnd(11)} ${result.cell.id}${why}${where}`);
  }
}
