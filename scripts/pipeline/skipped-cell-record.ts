import type { Cell } from '../../matrix/cell.ts';
import type { PlannedTest } from '../../matrix/plan-cells.ts';
import { TEST_CATALOG } from '../../matrix/test-catalog.ts';
import { writeRecordAtomically } from '../../reporters/record-file.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord } from '../../reporters/result-record.ts';

export interface SkippedCellRecordInput {
  file: string;
  runId: string;
  cell: Cell;
  /** Every test of the cell, each expected to skip (cellSkipReason said so). */
  planned: readonly PlannedTest[];
}

/** The record of a cell that had nothing to run: complete, every test `skipped` with the reason the release
 *  profile gives (e.g. the platform's note), exactly what the suites would have recorded after skipping each. */
export function writeSkippedCellRecord(input: SkippedCellRecordInput): ResultRecord {
  const now = new Date().toISOString();
  const record: ResultRecord = {
    schemaVersion: RESULT_RECORD_SCHEMA_VERSION,
    runId: input.runId,
    runner: input.cell.runner,
    cell: input.cell,
    release: input.cell.release,
    environment: {},
    doubles: [],
    startedAt: now,
    endedAt: now,
    status: 'complete',
    planned: input.planned.map((test) => ({ id: test.id, feature: test.feature, project: input.cell.platform })),
    tests: input.planned.map((test) => ({
      id: test.id,
      feature: test.feature,
      variant: test.variant,
      title: titleOf(test.id),
      project: input.cell.platform,
      expected: test.outcome,
      outcome: 'skipped',
      durationMs: 0,
      retries: 0,
      skipReason: test.outcome.reason ?? 'skipped',
      artifacts: [],
      startedAt: now,
    })),
  };
  writeRecordAtomically(input.file, record);
  return record;
}

/** The title the suites give a conformance test (fixtures/conformance-test.ts): its id and the catalog's title. */
function titleOf(id: string): string {
  const entry = TEST_CATALOG.find((t) => t.id === id);
  return entry ? `${entry.id}: ${entry.title}` : id;
}
