import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cellId, DEFAULT_MATRIX_FILE, expandCells, loadRunnerMatrix, type Cell } from '../../../matrix/index.ts';
import { loadResultRecords } from '../../../reporters/index.ts';
import { UsageError } from '../arguments.ts';
import { checkOutputFolder } from '../output-folder.ts';
import { failedSelection } from '../../pipeline/rerun-failed.ts';
import { guardSignals } from '../../pipeline/signals.ts';
import { Progress } from '../../pipeline/progress.ts';
import { defaultPipelineDeps, runCells, runExitCode, type CellResult, type PipelineDeps } from '../../pipeline/run-cell.ts';
import { checkRunFiles, parseRunArguments, type RunArguments } from '../run-arguments.ts';
import { outcomeTable, writeRunReports } from '../../pipeline/run-summary.ts';
import { writeAllureReport } from '../../pipeline/allure-report.ts';
import { runStateDir, stateFolderProblem, stateRoot } from '../../pipeline/cell-workspace.ts';

/** Sign-off reasons printed at the end of a run; the HTML report has every one. */
const REASONS_SHOWN = 8;

/** `run`: per cell plan → provision → install → KBS → suites → collect → teardown → result record; then the
 *  summary, the sign-off these records alone would give and their HTML report. Named runCommand because
 *  harness/cli/main.ts loads it by that name (it is not lib/exec's runCommand). `deps` are the real ones; the
 *  harness's self-tests hand in doubles of the cluster, install and KBS (test/pipeline/support/scripted-run.ts). */
export async function runCommand(argv: string[], deps: PipelineDeps = defaultPipelineDeps): Promise<number> {
  const parsed = parseRunArguments(argv);
  checkRunFiles(parsed);
  checkOutputFolder(parsed.out);
  const root = stateRoot();
  const misplaced = stateFolderProblem(root, parsed.out);
  if (misplaced) throw new UsageError(misplaced);
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
      stateDir: runStateDir(root, runId),
      keepCluster: parsed.keepCluster,
      dryRun: parsed.dryRun,
      externalKbs: parsed.kbsUrl && parsed.kbsAdminKey ? { url: parsed.kbsUrl, adminKeyFile: parsed.kbsAdminKey } : undefined,
      testIds,
      signal: guard.signal,
      progress: new Progress(),
      log: (line) => console.error(line),
    }, deps);
  } finally {
    guard.dispose();
  }
  await printCellResults(results, parsed.verbose);
  if (!parsed.dryRun) await printRunSummary(results, parsed.out, runId);
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
  // One machine runs a cell once: its folders under --out are named by the cell. Two runners of the same stack are
  // two machines, each running with its --runner.
  const runners = new Map<string, string>();
  for (const cell of cells) {
    const other = runners.get(cell.id);
    if (other !== undefined && other !== cell.runner) {
      throw new UsageError(`cell ${cell.id} belongs to runners ${other} and ${cell.runner}: choose one with --runner (each machine runs its own)`);
    }
    runners.set(cell.id, cell.runner);
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

/** One line per cell: how it ended, why, and its record. `--dry-run --verbose` first prints each cell's command
 *  script. */
async function printCellResults(results: CellResult[], verbose: boolean): Promise<void> {
  for (const result of results) {
    if (verbose && result.dryRunFiles?.[0]) {
      console.log(`\n# ${result.cell.id}: ${result.dryRunFiles[0]}`);
      console.log(await readFile(result.dryRunFiles[0], 'utf8'));
    }
  }
  console.log('');
  for (const result of results) {
    const where = result.recordFile ? ` → ${result.recordFile}` : '';
    console.log(`${result.status.padEnd(11)} ${result.cell.id}${whyOf(result)}${where}`);
    if (result.keptStateDir) console.log(`            state folder kept with the cluster (--keep-cluster): ${result.keptStateDir}`);
  }
}

function whyOf(result: CellResult): string {
  if (result.status === 'skipped') return ` (${result.skipReason})`;
  if (result.status === 'interrupted') {
    const unfinished = result.unfinished?.length ? `; interrupted before: ${result.unfinished.join(', ')}` : '';
    return ` (${result.failedStep}: ${result.error}${unfinished})`;
  }
  return result.failedStep ? ` (${result.failedStep}: ${result.error?.split('\n')[0]})` : '';
}

/** The records of this run: feature × outcome counts, the sign-off they alone would give, and the report; beside it
 *  the Allure report of the suites this run ran (earlier runs' results in a kept --out are not in it). */
async function printRunSummary(results: CellResult[], outDir: string, runId: string): Promise<void> {
  const files = results.flatMap((r) => (r.recordFile ? [r.recordFile] : []));
  if (!files.length) return;
  const { records, warnings } = loadResultRecords(files);
  for (const warning of warnings) console.error(`warning: ${warning}`);
  if (!records.length) return;
  console.log(`\n${outcomeTable(records)}\n`);
  for (const report of writeRunReports(records, outDir, runId)) {
    const { verdict, reasons } = report.signoff;
    console.log(`sign-off ${report.release} from this run alone: ${verdict}${reasons.length ? ` (${reasons.length} reason${reasons.length === 1 ? '' : 's'})` : ''}`);
    for (const reason of reasons.slice(0, REASONS_SHOWN)) console.log(`  ${reason}`);
    if (reasons.length > REASONS_SHOWN) console.log(`  … ${reasons.length - REASONS_SHOWN} more in the report`);
    console.log(`report ${report.release}: ${report.htmlFile}`);
  }
  try {
    const folders = results.flatMap((r) => (r.allureResults ? [r.allureResults] : []));
    const allure = await writeAllureReport(folders, join(outDir, 'reports', runId, 'allure'));
    if (allure) console.log(`Allure report (the suites of this run's ${folders.length} cell${folders.length === 1 ? '' : 's'}): ${allure}`);
  } catch (error) {
    // The records and the compatibility report stand without it: a warning, not a failed run.
    console.error(`warning: the Allure report was not written: ${(error as Error).message.split('\n')[0]}`);
  }
  for (const file of files) console.log(`record: ${file}`);
}
