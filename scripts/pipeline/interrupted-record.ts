import { existsSync, readFileSync } from 'node:fs';
import type { Cell } from '../../matrix/cell.ts';
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
  environment?: EnvironmentFacts;
  doubles?: string[];
}

/** A record that says what ran before a signal stopped the cell. When the suites' reporter already wrote the file,
 *  its finished tests are kept and only the status is settled; otherwise the record holds no tests (none ran). */
export function writeInterruptedRecord(input: InterruptedRecordInput): ResultRecord {
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
    tests: [],
  };
  if (record.status === 'running' || !existing) record.status = 'interrupted';
  record.endedAt ??= new Date().toISOString();
  if (!(record.runErrors ?? []).some((line) => line.startsWith('run stopped by'))) (record.runErrors ??= []).push(note);
  writeRecordAtomically(input.file, record);
  return record;
}

function readExisting(file: string): ResultRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ResultRecord;
  } catch {
    return undefined; // a torn file cannot happen with atomic writes, but a foreign one could: start over
  }
}
