import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let base: string | undefined;

/** A private folder per test process under the system temp dir. Not Playwright's outputPath: test-results/ is
 *  shared with other Playwright runs on the machine, and a run starting elsewhere empties it under our feet. */
export function scratch(name = ''): string {
  base ??= mkdtempSync(join(tmpdir(), 'coco-selftest-'));
  const dir = join(base, `${process.pid}-${counter++}`, name);
  mkdirSync(join(dir, '..'), { recursive: true });
  return dir;
}
let counter = 0;
