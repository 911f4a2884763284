import type { Cell } from '../matrix/cell.ts';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { PlannedTest } from '../matrix/plan-cells.ts';
import { catalogTest, TEST_CATALOG, type CatalogTest } from '../matrix/index.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type EnvironmentFacts, type ResultRecord, type TestRecord } from './result-record.ts';
import { writeRecordAtomically } from './record-file.ts';
import { cleanErrorText } from './error-text.ts';

/** The records of a cell whose tests never ran — infrastructure failed first, or there was nothing to run — are
 *  written here, complete and valid, so the report shows INFRA-FAIL or the skip reason instead of a silent gap. */

export interface InfraErrorRecordInput {
  outFile: string;
  runId: string;
  runner: string;
  cell: Cell;
  release: string;
  /** The cell's tests as the plan step planned them, each with its expected outcome, recorded as if it had run.
   *  Absent when the plan step itself failed: then the cell's suites' catalog tests, their outcome not derived. */
  planned?: readonly PlannedTest[];
  /** The pipeline step that failed: provision, install, kbs, registry… */
  step: string;
  error: unknown;
  environment?: EnvironmentFacts;
  doubles?: string[];
}

/** What a test that could not be planned is recorded as expecting: nothing was derived, and the record says so. */
const NOT_DERIVED: ExpectedOutcome = { expect: 'pass', claim: 'supported', reason: 'not derived: no release profile was given' };

/** For the pipeline when provisioning or install fails: every test of the cell is an infra-error, so the report
 *  shows INFRA-FAIL (and the sign-off INCONCLUSIVE). */
export function writeInfraErrorRecord(input: InfraErrorRecordInput): ResultRecord {
  const message = cleanErrorText(input.error instanceof Error ? input.error.message : String(input.error));
  const tests = input.planned
    ? input.planned.map((test) => ({ test: catalogTest(test.id), expected: test.outcome }))
    : TEST_CATALOG.filter((t) => input.cell.suites.length === 0 || input.cell.suites.includes(t.feature))
      .map((test) => ({ test, expected: NOT_DERIVED }));
  return writeNotRunRecord(input.outFile, {
    runId: input.runId, runner: input.runner, cell: input.cell, release: input.release, status: 'infra-error',
    infraError: { step: input.step, message }, environment: input.environment ?? {}, doubles: input.doubles ?? [],
  }, tests, () => ({ outcome: 'infra-error', error: `not run: ${input.step} failed: ${message}` }));
}

export interface SkippedCellRecordInput {
  file: string;
  runId: string;
  cell: Cell;
  /** Every test of the cell, each expected to skip (the plan said so). */
  planned: readonly PlannedTest[];
}

/** The record of a cell that had nothing to run: complete, every test `skipped` with the reason the release profile
 *  gives (e.g. the platform's note), exactly what the suites would have recorded after skipping each. */
export function writeSkippedCellRecord(input: SkippedCellRecordInput): ResultRecord {
  return writeNotRunRecord(input.file, {
    runId: input.runId, runner: input.cell.runner, cell: input.cell, release: input.cell.release, status: 'complete',
    environment: {}, doubles: [],
    planned: input.planned.map((test) => ({ id: test.id, feature: test.feature, project: input.cell.platform })),
  }, input.planned.map((test) => {
    const entry = catalogTest(test.id);
    return { test: { ...entry, title: `${entry.id}: ${entry.title}` }, expected: test.outcome };
  }),
  (expected) => ({ outcome: 'skipped', skipReason: expected.reason ?? 'skipped' }));
}

type RecordHead = Omit<ResultRecord, 'schemaVersion' | 'startedAt' | 'endedAt' | 'tests'>;

/** One record, started and ended now, with a test entry per catalog test that says why it did not run. */
function writeNotRunRecord(file: string, head: RecordHead, tests: readonly { test: CatalogTest; expected: ExpectedOutcome }[],
  why: (expected: ExpectedOutcome) => Pick<TestRecord, 'outcome' | 'error' | 'skipReason'>): ResultRecord {
  const now = new Date().toISOString();
  const record: ResultRecord = {
    schemaVersion: RESULT_RECORD_SCHEMA_VERSION, ...head, startedAt: now, endedAt: now,
    tests: tests.map(({ test, expected }) => ({
      id: test.id, feature: test.feature, variant: test.variant, title: test.title, project: head.cell.platform, expected,
      ...why(expected), durationMs: 0, retries: 0, artifacts: [], startedAt: now,
    })),
  };
  writeRecordAtomically(file, record);
  return record;
}
