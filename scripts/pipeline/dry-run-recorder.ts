import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pasteable } from '../exec/command-error.ts';

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
    await writeFile(written[0]!, this.script(), { mode: 0o755 });
    let index = 0;
    for (const entry of this.entries) {
      if (!entry.text?.startsWith('# file: ')) continue;
      const [header, ...body] = entry.text.split('\n');
      const name = `${String(++index).padStart(2, '0')}-${entry.step}-${header!.slice('# file: '.length).split('/').pop()}`;
      const file = join(dir, 'files', name);
      await writeFile(file, `${header}\n${body.join('\n')}\n`);
      written.push(file);
    }
    return written;
  }
}

function commentOut(text: string): string {
  return text.split('\n').map((line) => (line.startsWith('#') ? line : `# ${line}`)).join('\n');
}
