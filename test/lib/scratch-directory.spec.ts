import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLAYWRIGHT_CLI, removeInlineProject, writeInlineProject } from '../reporters/inline-project.ts';

const HELPER = join(import.meta.dirname, 'scratch-directory.ts');

/** The scratch folder helper as a spec file uses it, in a Playwright run of its own: its tests share one folder,
 *  scratch(name) gives another path on every call with the parent made and the path itself not, and nothing of the
 *  folder is left once the file's tests are done. */
test('a spec file\'s scratch folder is one folder for its tests, gives fresh paths in it, and is gone after the file', () => {
  const project = writeInlineProject({
    'playwright.config.ts': `import { defineConfig } from '@playwright/test';
export default defineConfig({ testDir: '.', workers: 1, retries: 0, reporter: 'line', outputDir: 'pw-output' });
`,
    'scratch.spec.ts': `import { test, expect } from '@playwright/test';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scratchDirectory } from ${JSON.stringify(HELPER)};

const scratch = scratchDirectory('scratch-selftest');
test('fresh paths', () => {
  const first = scratch('out');
  const second = scratch('out');
  expect(second).not.toBe(first);
  expect(dirname(dirname(first))).toBe(scratch());
  expect([existsSync(dirname(first)), existsSync(first)]).toEqual([true, false]);
  writeFileSync(first, 'written');
  appendFileSync('folders.txt', scratch() + '\\n');
});
test('the same folder', () => {
  appendFileSync('folders.txt', scratch() + '\\n');
});
`,
  });
  try {
    const run = spawnSync(process.execPath, [PLAYWRIGHT_CLI, 'test'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const folders = readFileSync(join(project, 'folders.txt'), 'utf8').trim().split('\n');
    expect(folders).toHaveLength(2);
    expect(folders[1]).toBe(folders[0]);
    expect(folders[0]).toMatch(/\/coco-scratch-selftest-[^/]+$/);
    expect(existsSync(folders[0]!), `${folders[0]} is left after the file`).toBe(false);
  } finally {
    removeInlineProject(project);
  }
});
