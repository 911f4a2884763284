import type { Cell } from '../../matrix/cell.ts';
import { runCell } from './cell-pipeline.ts';
import { defaultPipelineDeps, type PipelineDeps } from './pipeline-deps.ts';
import type { CellResult, PipelineOptions } from './pipeline-options.ts';
import { removeRunStateDirIfEmpty } from './state-folder.ts';

/** Runs cells one after another. An infra failure ends only its own cell; a signal ends the run after the current
 *  cell has been torn down and recorded. */
export async function runCells(cells: Cell[], options: PipelineOptions, deps: PipelineDeps = defaultPipelineDeps): Promise<CellResult[]> {
  const results: CellResult[] = [];
  try {
    for (const cell of cells) {
      if (options.signal.aborted) break;
      const result = await runCell(cell, options, deps);
      results.push(result);
      if (result.status === 'interrupted') break;
    }
  } finally {
    removeRunStateDirIfEmpty(options.stateDir);
  }
  return results;
}

/** 0 when every cell ran (or had nothing to run) and Playwright found nothing unexpected; 1 when a cell failed for
 *  infrastructure or a test had an unexpected result. (The sign-off verdict is `signoff`'s job; this is the run's
 *  own health.) */
export function runExitCode(results: CellResult[]): number {
  const bad = results.some((r) => r.status === 'infra-error' || (r.suitesExitCode !== undefined && r.suitesExitCode !== 0));
  return bad ? 1 : 0;
}
