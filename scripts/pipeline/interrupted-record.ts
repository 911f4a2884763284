import { existsSync, readFileSync } from 'node:fs';
import type { Cell } from '../../matrix/cell.ts';
import type { PlannedTest } from '../../matrix/plan-cells.ts';
import type { EnvironmentFacts, ResultRecord } from '../../reporters/result-record.ts';
import { RESULT_RECORD_SCHEMA_VERSION } from '../../reporters/result-record.ts';
import { writeRecordAtomically } from '../../reporters/record-file.ts';

export interface InterruptedRecordInput {
  file: string;
  runId: string;
  cell: Cell;
  startedAt: string;
  step: string;
  signal: string;
  /** The cell's tests as the pipeline planned them: the record's `planned` when the suites never started. */
  planned?: readonly PlannedTest[];
  environment?: EnvironmentFacts;
  doubles?: string[];
}

export const UNFINISHED_PREFIX = 'interrupted before: ';

/** A record that says what ran before a signal stopped the cell. When the suites' reporter already wrote the file,
 *  its finished tests are kept and only the status is settled; otherwise the record holds no tests (none ran) and
 *  the pipeline's plan. Either way one run error names the planned tests that never finished, so a reader of the
 *  record alone knows what is missing. Returns the record and those test ids. */
export function writeInterruptedRecord(input: InterruptedRecordInput): { record: ResultRecord; unfinished: string[] } {
  const note = `run stopped by ${input.signal} during ${input.step}`;
  const existing = readExisting(input.file);
  const record: ResultRecord = existing ?? {
    schemaVersion: RESULT_RECORD_SCHEMA_VERSION,
    runId: input.runId,
    runner: input.cell.runner,
    cell: input.cell,
    release: input.cell.release,
    environment: input.environment ?? {},
    doubles: input.doubles ?? [],
    startedAt: input.startedAt,
    status: 'interrupted',
    ...(input.planned ? { planned: input.planned.map((t) => ({ id: t.id, feature: t.feature, project: input.cell.platform })) } : {}),
    tests: [],
  };
  if (record.status === 'running' || !existing) record.status = 'interrupted';
  record.endedAt ??= new Date().toISOString();
  const errors = (record.runErrors ??= []);
  if (!errors.some((line) => line.startsWith('run stopped by'))) errors.push(note);
  const unfinished = unfinishedTests(record);
  if (unfinished.length && !errors.some((line) => line.startsWith(UNFINISHED_PREFIX))) {
    errors.push(`${UNFINISHED_PREFIX}${unfinished.join(', ')}`);
  }
  writeRecordAtomically(input.file, record);
  return { record, unfinished };
}

/** Planned tests with no result, in plan order (per project: a test finished on one platform may not have on another). */
function unfinishedTests(record: ResultRecord): string[] {
  const finished = new Set(record.tests.map((t) => `${t.project}\u0000${t.id}`));
  const ids = (record.planned ?? []).filter((p) => !finished.has(`${p.project}\u0000${p.id}`)).map((p) => p.id);
  return [...new Set(ids)];
}

function readExisting(file: string): ResultRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ResultRecord;
  } catch {
    return undefined; // a torn file cannot happen with atomic writes, but a foreign one could: start over
  }
}
