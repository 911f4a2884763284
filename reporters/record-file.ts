import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ResultRecord } from './result-record.ts';

/** Writes a record so that a reader (or a crash) only ever sees the old file or the new one, never half of one:
 *  write a temporary file beside it, then rename over it (rename is atomic within a file system). Synchronous on
 *  purpose: it also runs from a signal handler, where nothing asynchronous is allowed to finish. */
export function writeRecordAtomically(file: string, record: ResultRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, file);
}

/** A file name for a record from what identifies the run: readable, unique per run, safe on every file system. */
export function recordFileName(cellId: string, runner: string, runId: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return `${safe(cellId)}--${safe(runner)}--${safe(runId)}.json`;
}
