import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { FEATURES } from '../../matrix/vocabulary.ts';
import { runCommand } from '../exec/run-command.ts';

export interface SuiteRunInput {
  cell: Cell;
  runId: string;
  suiteEnvFile: string;
  recordFile: string;
  environmentFile: string;
  doubles: string[];
  /** Test ids to run (rerun of failures); all tests of the cell's suites when absent. */
  testIds?: string[];
  playwrightLog: string;
  signal?: AbortSignal;
}

export interface SuiteRunResult {
  exitCode: number | null;
}

/** The --grep that narrows Playwright to the cell's suites (by feature tag) or to given test ids. */
export function suiteGrep(cell: Cell, testIds?: string[]): string | undefined {
  if (testIds?.length) return testIds.map(escapeRegExp).join('|');
  if (cell.suites.length === 0 || cell.suites.length === FEATURES.length) return undefined;
  return cell.suites.map((feature) => `@${escapeRegExp(feature)}\\b`).join('|');
}

/** The suites as a child `npx playwright test`: the suite environment file tells them where they run, the
 *  reporter's env vars where the record goes. Playwright's exit code 1 (a test failed) is a result, not an error. */
export async function runSuites(input: SuiteRunInput): Promise<SuiteRunResult> {
  const grep = suiteGrep(input.cell, input.testIds);
  const result = await runCommand(['npx', 'playwright', 'test', ...(grep ? ['--grep', grep] : [])], {
    nothrow: true,
    signal: input.signal,
    env: {
      COCO_SUITE_ENV: input.suiteEnvFile,
      COCO_RESULT_FILE: input.recordFile,
      COCO_RUN_ID: input.runId,
      COCO_RUNNER: input.cell.runner,
      COCO_CELL: JSON.stringify(input.cell),
      COCO_RELEASE: input.cell.release,
      COCO_ENVIRONMENT_FILE: input.environmentFile,
      COCO_DOUBLES: JSON.stringify(input.doubles),
    },
  });
  await mkdir(dirname(input.playwrightLog), { recursive: true });
  await writeFile(input.playwrightLog, `${result.stdout}\n${result.stderr}`);
  return { exitCode: result.exitCode };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
