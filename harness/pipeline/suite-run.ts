import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { FEATURES } from '../../matrix/vocabulary.ts';
import { TEST_LINE_MARKER } from '../../reporters/progress-line-reporter.ts';
import { redact } from '../../lib/exec/redact.ts';
import { runStreamed } from './streamed-child.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

const REPO_ROOT = SOURCE_ROOT;
/** The conformance suites' config. */
export const SUITES_CONFIG = join(REPO_ROOT, 'playwright.config.ts');
/** After the stop, how long the running tests get to end (their fixtures delete namespaces and KBS resources)
 *  before Playwright is killed: teardown of the cluster follows either way. */
const STOP_GRACE_MS = 60_000;

export interface SuiteRunInput {
  cell: Cell;
  /** The suite environment file (lib/suite-environment.ts): everything the suites and their reporters know of the
   *  run — the cell, its expected outcomes, the record file, the environment facts, the doubles. */
  suiteEnvFile: string;
  /** Where the suites share the secrets they register (COCO_SECRETS_FILE): in the cell's state folder. */
  secretsFile: string;
  /** Test ids to run (rerun of failures); all tests of the cell's suites when absent. */
  testIds?: string[];
  playwrightLog: string;
  signal?: AbortSignal;
  /** Each finished test's line (reporters/progress-line-reporter.ts), as the test finishes. */
  onTestLine?: (line: string) => void;
  /** The Playwright config: SUITES_CONFIG; the harness's self-tests name a double suite's. */
  configFile?: string;
}

export interface SuiteRunResult {
  exitCode: number | null;
}

/** The --grep that narrows Playwright to the cell's suites (by feature tag) or to given test ids — each followed by
 *  the colon of its title (`<id>: <title>`), so that an id never selects a longer one the plan does not hold. */
export function suiteGrep(cell: Cell, testIds?: string[]): string | undefined {
  if (testIds?.length) return testIds.map((id) => `${escapeRegExp(id)}:`).join('|');
  if (cell.suites.length === 0 || cell.suites.length === FEATURES.length) return undefined;
  return cell.suites.map((feature) => `@${escapeRegExp(feature)}\\b`).join('|');
}

/** The suites as a child `npx playwright test`: the suite environment file tells them and their reporters everything
 *  about the run (COCO_SUITE_ENV is its one channel); COCO_SECRETS_FILE is no fact but a shared list the workers add
 *  secrets to as they register them, for the reporters' redaction. Its whole output goes to the log (redacted) as it comes; the
 *  per-test lines also go to onTestLine. Playwright's exit code 1 (a test failed) is a result, not an error. */
export async function runSuites(input: SuiteRunInput): Promise<SuiteRunResult> {
  const grep = suiteGrep(input.cell, input.testIds);
  await mkdir(dirname(input.playwrightLog), { recursive: true });
  const log = createWriteStream(input.playwrightLog);
  const logClosed = new Promise<void>((done, fail) => log.once('close', done).once('error', fail));
  try {
    const exitCode = await runStreamed(['npx', 'playwright', 'test', '--config', input.configFile ?? SUITES_CONFIG, ...(grep ? ['--grep', grep] : [])], {
      cwd: REPO_ROOT,
      signal: input.signal,
      stopGraceMs: STOP_GRACE_MS,
      env: {
        COCO_SUITE_ENV: input.suiteEnvFile,
        // A caller that scans the outputs afterwards (CI) names the file; else the cell keeps its own.
        COCO_SECRETS_FILE: process.env.COCO_SECRETS_FILE ?? input.secretsFile,
      },
      onLine: (line, stream) => {
        const clean = redact(line);
        log.write(`${clean}\n`);
        if (stream === 'stdout' && clean.startsWith(TEST_LINE_MARKER)) input.onTestLine?.(clean.slice(TEST_LINE_MARKER.length));
      },
    });
    return { exitCode };
  } finally {
    log.end();
    await logClosed;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
