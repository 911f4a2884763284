import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import type { PlannedTest } from '../../matrix/plan-cells.ts';
import { RESULT_RECORD_SCHEMA_VERSION, writeRecordAtomically, type EnvironmentFacts, type ResultRecord } from '../../reporters/index.ts';
import { pasteable } from '../../lib/exec/command-error.ts';

// What a cell leaves behind besides the suites' own record: the record of a cell a signal stopped, and what a dry
// run writes instead of a record. The records of cells whose tests never ran (infrastructure failed first, nothing
// to run) are reporters/not-run-record.ts, next to the record format they complete.

interface InterruptedRecordInput {
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

const UNFINISHED_PREFIX = 'interrupted before: ';

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

/** Adds one line to the runErrors of a record the suites already wrote (e.g. the uninstall after them failed). */
export function appendRunError(file: string, line: string): void {
  const record = readExisting(file);
  if (!record) return;
  (record.runErrors ??= []).push(line);
  writeRecordAtomically(file, record);
}

interface RecordedStep {
  step: string;
  argv?: readonly string[];
  /** A file's content, a wait description or a manifest (text starting with '#' or YAML). */
  text?: string;
}

/** Collects what a dry run would do, in order: the commands (pasteable) and the files/manifests they read. */
export class DryRunRecorder {
  readonly entries: RecordedStep[] = [];

  record = (step: string, argvOrText: readonly string[] | string): void => {
    this.entries.push(typeof argvOrText === 'string' ? { step, text: argvOrText } : { step, argv: [...argvOrText] });
  };

  /** The sequence as a script a cluster admin would recognise: commands as lines, waits and files as comments. */
  script(): string {
    const lines: string[] = ['#!/bin/sh', '# coco-conformance run --dry-run: the commands a real run executes, in order', ''];
    let step = '';
    for (const entry of this.entries) {
      if (entry.step !== step) {
        step = entry.step;
        lines.push('', `# --- ${step} ---`);
      }
      if (entry.argv) lines.push(pasteable(entry.argv));
      else if (entry.text) lines.push(entry.text.startsWith('# file: ') ? entry.text.split('\n')[0]! : commentOut(entry.text));
    }
    return `${lines.join('\n')}\n`;
  }

  async write(dir: string): Promise<string[]> {
    await mkdir(join(dir, 'files'), { recursive: true });
    const written = [join(dir, 'commands.sh')];
    // Written side by side, not one after the other: a dry run of every release writes thousands of small files.
    const writing = [writeFile(written[0]!, this.script(), { mode: 0o755 })];
    let index = 0;
    for (const entry of this.entries) {
      if (!entry.text?.startsWith('# file: ')) continue;
      const [header, ...body] = entry.text.split('\n');
      const name = `${String(++index).padStart(2, '0')}-${entry.step}-${header!.slice('# file: '.length).split('/').pop()}`.replace(/\s+/g, '-');
      const file = join(dir, 'files', name);
      writing.push(writeFile(file, `${header}\n${body.join('\n')}\n`));
      written.push(file);
    }
    await Promise.all(writing);
    return written;
  }
}

/** A dry run's output in place of a record: the recorded commands and files, and the step that failed, if one did.
 *  Returns the recorded files. */
export async function writeDryRunFiles(recorder: DryRunRecorder, dir: string, failed?: { step: string; error: unknown }): Promise<string[]> {
  const files = await recorder.write(dir);
  if (failed) await writeFile(join(dir, 'error.txt'), `${failed.step}: ${(failed.error as Error).message}\n`);
  return files;
}

function commentOut(text: string): string {
  return text.split('\n').map((line) => (line.startsWith('#') ? line : `# ${line}`)).join('\n');
}
