import type { Cell } from '../../matrix/cell.ts';
import { loadResultRecords, type Outcome, type ResultRecord } from '../../reporters/index.ts';

/** Outcomes worth running again. A flaky test passed in the end; a skipped one would only skip again. */
const RERUN_OUTCOMES: readonly Outcome[] = ['failed', 'failed-wrong-reason', 'unexpected-pass', 'infra-error'];

export interface RerunSelection {
  cells: Cell[];
  /** Per cell id, the test ids to run; a cell without an entry runs all its suites (it was interrupted). */
  testIds: Map<string, string[]>;
  warnings: string[];
}

/** From earlier result records: the cells that did not finish cleanly and, within them, the tests that failed.
 *  When a cell has several records (an earlier rerun), the newest decides. */
export function failedSelection(paths: readonly string[]): RerunSelection {
  const { records, warnings } = loadResultRecords(paths);
  const newest = new Map<string, ResultRecord>();
  for (const record of records) {
    const key = `${record.runner}\u0000${record.cell.id}`;
    const seen = newest.get(key);
    if (!seen || seen.startedAt < record.startedAt) newest.set(key, record);
  }
  const cells: Cell[] = [];
  const testIds = new Map<string, string[]>();
  for (const record of newest.values()) {
    const failed = record.tests.filter((test) => RERUN_OUTCOMES.includes(test.outcome)).map((test) => test.id);
    if (record.status === 'interrupted' || record.status === 'running') {
      cells.push(record.cell); // what it would have run is unknown: run the whole cell again
    } else if (failed.length) {
      cells.push(record.cell);
      testIds.set(record.cell.id, [...new Set(failed)]);
    }
  }
  return { cells, testIds, warnings };
}
