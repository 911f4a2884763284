import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { writeInfraErrorRecord, writeSkippedCellRecord } from '../../reporters/not-run-record.ts';
import type { ProviderContext } from '../providers/cluster-provider.ts';
import { DryRunRecorder } from './dry-run-recorder.ts';
import { cellWorkspace, type CellWorkspace } from './cell-workspace.ts';
import type { CellState } from './cell-state.ts';
import { collectAndTearDown } from './cell-teardown.ts';
import type { PipelineDeps } from './pipeline-deps.ts';
import type { CellResult, PipelineOptions } from './pipeline-options.ts';
import { InterruptedError } from './signals.ts';
import { writeInterruptedRecord } from './interrupted-record.ts';
import { makePrivateFolder, removeStateFolder } from './state-folder.ts';
import { cellSteps } from './cell-steps.ts';

/** plan → provision → install → KBS → environment → platform setup → suites, then collect → teardown → record.
 *  A failure before the suites is an infrastructure failure: the cell's tests become INFRA-FAIL, not test failures.
 *  A cell in which every test is expected to skip stops after plan, with a record of skipped tests. */
export async function runCell(cell: Cell, options: PipelineOptions, deps: PipelineDeps): Promise<CellResult> {
  const ws = cellWorkspace(options.outDir, options.stateDir, cell, options.runId);
  const startedAt = new Date().toISOString();
  const recorder = new DryRunRecorder();
  makePrivateFolder(options.stateDir);
  makePrivateFolder(ws.workDir);
  const ctx: ProviderContext = {
    workDir: ws.workDir,
    dryRun: options.dryRun,
    record: options.dryRun ? recorder.record : () => {},
    log: options.log,
    signal: options.signal,
    clusterName: ws.clusterName,
  };
  const state: CellState = { doubles: [], step: 'plan', suitesStarted: false };
  let failure: unknown;
  let suitesExitCode: number | null | undefined;
  try {
    suitesExitCode = await cellSteps(cell, ws, ctx, state, options, deps);
  } catch (error) {
    failure = error;
  }
  // Teardown must not inherit the aborted signal of an interrupted run: it has to run to the end.
  const teardownProblems = await collectAndTearDown(state, ws, { ...ctx, signal: undefined }, options, deps, cell.id);
  for (const problem of teardownProblems) options.log(`[cell ${cell.id}] teardown problem: ${problem}`);
  // The keys and credentials go with the cluster; a kept cluster keeps them, since its kubeconfig is among them.
  const keptStateDir = options.keepCluster && state.cluster ? ws.workDir : undefined;
  if (!keptStateDir) removeStateFolder(ws.workDir);

  const interrupted = options.signal.aborted ? interruptOf(options.signal) : undefined;
  if (interrupted) {
    const { unfinished } = writeInterruptedRecord({ file: ws.recordFile, runId: options.runId, cell, startedAt, step: state.step,
      signal: interrupted.signal, planned: state.planned, environment: state.environment, doubles: state.doubles });
    return { cell, status: 'interrupted', recordFile: ws.recordFile, failedStep: state.step, error: interrupted.message, unfinished, keptStateDir };
  }
  if (state.skipReason && failure === undefined) return finishSkipped(cell, ws, state, options);
  if (options.dryRun) return finishDryRun(cell, ws, recorder, failure, state);
  if (failure !== undefined) {
    writeInfraErrorRecord({
      outFile: ws.recordFile, runId: options.runId, runner: cell.runner, cell, release: cell.release,
      profile: state.profile, step: state.step, error: failure, environment: state.environment, doubles: state.doubles,
    });
    return { cell, status: 'infra-error', recordFile: ws.recordFile, failedStep: state.step, error: (failure as Error).message, keptStateDir };
  }
  return { cell, status: 'complete', recordFile: ws.recordFile, suitesExitCode, keptStateDir };
}

function interruptOf(signal: AbortSignal): InterruptedError {
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('SIGTERM');
}

/** A dry run writes no record: it only says the cell would be skipped, and why. */
function finishSkipped(cell: Cell, ws: CellWorkspace, state: CellState, options: PipelineOptions): CellResult {
  const skipReason = state.skipReason!;
  options.progress.note(cell.id, `skipped: ${skipReason}`);
  if (options.dryRun) return { cell, status: 'skipped', skipReason };
  writeSkippedCellRecord({ file: ws.recordFile, runId: options.runId, cell, planned: state.planned ?? [] });
  return { cell, status: 'skipped', skipReason, recordFile: ws.recordFile };
}

async function finishDryRun(cell: Cell, ws: CellWorkspace, recorder: DryRunRecorder, failure: unknown, state: CellState): Promise<CellResult> {
  const files = await recorder.write(ws.dryRunDir);
  if (failure !== undefined) {
    await writeFile(join(ws.dryRunDir, 'error.txt'), `${state.step}: ${(failure as Error).message}\n`);
    return { cell, status: 'infra-error', failedStep: state.step, error: (failure as Error).message, dryRunFiles: files };
  }
  return { cell, status: 'dry-run', dryRunFiles: files };
}
