import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import type { PlannedTest } from '../../matrix/plan-cells.ts';
import { RecordWriter, type EnvironmentFacts, type ResultRecord } from '../../reporters/index.ts';
import { pasteable } from '../../lib/exec/command-error.ts';

// What a cell leaves behind besides the suites' own record: the record of a cell a signal stopped, and what a dry
// run writes instead of a record. The records of cells whose tests never ran (infrastructure failed first, nothing
// to run) are reporters/not-run-record.ts, next to the record format they complete. All are written through the
// record writer (reporters/record-writer.ts).

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

/** A record that says what ran before a signal stopped the cell. When the suites' reporter already wrote the file,
 *  its finished tests are kept and only the status is settled; otherwise the record holds no tests (none ran) and
 *  the pipeline's plan. Either way one run error names the planned tests that never finished, so a reader of the
 *  record alone knows what is missing. Returns the record and those test ids. */
export function writeInterruptedRecord(input: InterruptedRecordInput): { record: ResultRecord; unfinished: string[] } {
  const writer = RecordWriter.resume(input.file) ?? RecordWriter.unwritten(input.file, {
    runId: input.runId,
    runner: input.cell.runner,
    cell: input.cell,
    release: input.cell.release,
    environment: input.environment ?? {},
    doubles: input.doubles ?? [],
    ...(input.planned ? { planned: input.planned.map((t) => ({ id: t.id, feature: t.feature, project: input.cell.platform })) } : {}),
  }, { startedAt: input.startedAt });
  const unfinished = writer.interrupt(`run stopped by ${input.signal} during ${input.step}`, { listUnfinished: true });
  return { record: writer.record, unfinished };
}

/** Adds one line to the runErrors of a record the suites already wrote (e.g. the uninstall after them failed). */
export function appendRunError(file: string, line: string): void {
  RecordWriter.resume(file)?.addRunError(line);
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
