import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RESULT_RECORD_SCHEMA_VERSION, type Outcome, type ResultRecord, type TestRecord } from './result-record.ts';

/** The one writer of result records (reporters/result-record.schema.json). A record begins `running` with what
 *  identifies the run, takes each test as it finishes and ends `complete`, `interrupted` or `infra-error`; every
 *  change is written at once, atomically, so the file on disk is always a valid record and a crash loses nothing
 *  already recorded. The suites' reporter, its SIGTERM path, the pipeline (a cell a signal or a failed step stopped,
 *  a cell with nothing to run) and `import` all write through it. Synchronous on purpose: it also runs from a
 *  signal handler, where nothing asynchronous is allowed to finish. */

/** What identifies a record and what is known of the run before its first test: everything but the version, the
 *  times and the tests. Written in the order given. */
export type RecordHead = Omit<ResultRecord, 'schemaVersion' | 'startedAt' | 'endedAt' | 'status' | 'tests'>;
/** The head of a record written whole: with its final status. */
export type WholeRecordHead = RecordHead & { status: Exclude<ResultRecord['status'], 'running'> };

/** The run error a signal leaves: `run stopped by SIGTERM`, with where when the pipeline knows it. */
const STOPPED_PREFIX = 'run stopped by';
/** The run error that names the planned tests a stopped run never finished. */
const UNFINISHED_PREFIX = 'interrupted before: ';

export class RecordWriter {
  private constructor(readonly file: string, readonly record: ResultRecord) {}

  /** A new record in `file`, status `running`, written now. */
  static begin(file: string, head: RecordHead, options: { startedAt?: string } = {}): RecordWriter {
    const writer = RecordWriter.unwritten(file, head, options);
    writer.write();
    return writer;
  }

  /** A new record in `file`, status `running`, not written yet: for one its caller settles at once (interrupt), which
   *  writes it then, once. */
  static unwritten(file: string, head: RecordHead, options: { startedAt?: string } = {}): RecordWriter {
    const { planned, ...identity } = head;
    return new RecordWriter(file, {
      schemaVersion: RESULT_RECORD_SCHEMA_VERSION, ...identity, startedAt: options.startedAt ?? new Date().toISOString(),
      status: 'running', ...(planned ? { planned } : {}), tests: [],
    });
  }

  /** The record a run already wrote in `file`, to add to or settle; undefined when there is none. A file that is not
   *  JSON (atomic writes never leave a torn one, but a foreign file could be there) counts as none: it is replaced. */
  static resume(file: string): RecordWriter | undefined {
    if (!existsSync(file)) return undefined;
    try {
      return new RecordWriter(file, JSON.parse(readFileSync(file, 'utf8')) as ResultRecord);
    } catch {
      return undefined;
    }
  }

  addTest(test: TestRecord): void {
    this.record.tests.push(test);
    this.write();
  }

  /** A test with no feature: kept visible in the record, never merged into the grid. */
  addUnclassifiedTest(title: string, outcome: Outcome): void {
    (this.record.unclassifiedTests ??= []).push({ title, outcome });
    this.write();
  }

  /** An error outside any test (a worker crash, the uninstall after the suites), already redacted. */
  addRunError(line: string): void {
    (this.record.runErrors ??= []).push(line);
    this.write();
  }

  /** The run ended: `complete`, or `interrupted` when Playwright says a signal stopped it. */
  end(status: 'complete' | 'interrupted'): void {
    this.record.status = status;
    this.record.endedAt = new Date().toISOString();
    this.write();
  }

  /** A signal stopped the run: a record still running becomes interrupted and ends now, and `note` (`run stopped by
   *  SIGTERM…`) is added unless a signal's note is already there (the suites' reporter wrote its own first). With
   *  `listUnfinished`, one more run error names the planned tests that never finished, so a reader of the record
   *  alone knows what is missing. Returns those test ids. */
  interrupt(note: string, options: { listUnfinished?: boolean } = {}): string[] {
    if (this.record.status === 'running') this.record.status = 'interrupted';
    this.record.endedAt ??= new Date().toISOString();
    const errors = (this.record.runErrors ??= []);
    if (!errors.some((line) => line.startsWith(STOPPED_PREFIX))) errors.push(note);
    const unfinished = options.listUnfinished ? unfinishedTests(this.record) : [];
    if (unfinished.length && !errors.some((line) => line.startsWith(UNFINISHED_PREFIX))) errors.push(`${UNFINISHED_PREFIX}${unfinished.join(', ')}`);
    this.write();
    return unfinished;
  }

  /** A record written whole by the harness, for tests it did not run itself (a cell whose infrastructure failed
   *  first, one with nothing to run, results imported from upstream CI): its final status in `head`, ended at
   *  `endedAt` (now), started at `startedAt` (else when it ended). */
  static writeWhole(file: string, head: WholeRecordHead, tests: TestRecord[], startedAt?: string, endedAt = new Date().toISOString()): ResultRecord {
    const record: ResultRecord = { schemaVersion: RESULT_RECORD_SCHEMA_VERSION, ...head, startedAt: startedAt ?? endedAt, endedAt, tests };
    writeRecordAtomically(file, record);
    return record;
  }

  private write(): void {
    writeRecordAtomically(this.file, this.record);
  }
}

/** Planned tests with no result, in plan order (per project: a test finished on one platform may not have on another). */
function unfinishedTests(record: ResultRecord): string[] {
  const finished = new Set(record.tests.map((t) => `${t.project}\u0000${t.id}`));
  const ids = (record.planned ?? []).filter((p) => !finished.has(`${p.project}\u0000${p.id}`)).map((p) => p.id);
  return [...new Set(ids)];
}

/** Writes a record so that a reader (or a crash) only ever sees the old file or the new one, never half of one:
 *  write a temporary file beside it, then rename over it (rename is atomic within a file system). */
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
