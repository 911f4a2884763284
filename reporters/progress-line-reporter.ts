import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import type { TestRecord } from './result-record.ts';
import { firstLine, formatDuration } from './render-text.ts';
import { isFinalAttempt, testRecordOf } from './test-outcome.ts';

/** What starts each of this reporter's lines on the suites' stdout: `coco-conformance run` forwards exactly the
 *  lines that carry it (harness/pipeline/suite-run.ts), whatever else Playwright's own reporters print. */
export const TEST_LINE_MARKER = '[coco-test] ';

/** Playwright reporter that prints one line per finished conformance test, as it finishes: outcome, id, platform
 *  (the Playwright project), duration, and what the outcome rests on — the step an expected failure failed in
 *  and its error, the first line of any other error, a skip's reason. The same classification as the result
 *  record (reporters/test-outcome.ts), so the line and the record never disagree. */
export default class ProgressLineReporter implements Reporter {
  private readonly write: (text: string) => void;

  /** Playwright passes the config's options object; `write` is for the harness's own tests. */
  constructor(options: { write?: (text: string) => void } = {}) {
    this.write = options.write ?? ((text) => process.stdout.write(text));
  }

  printsToStdio(): boolean {
    return true;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // An attempt Playwright will retry, or one cut short by a stop, is not the test's end.
    if (result.status === 'interrupted' || !isFinalAttempt(test, result)) return;
    const classified = testRecordOf(test);
    const line = classified.kind === 'test'
      ? testLine(classified.record)
      : `${classified.outcome.padEnd(OUTCOME_WIDTH)} ${classified.title}  (no feature: not in the record's tests)`;
    this.write(`${TEST_LINE_MARKER}${line}\n`);
  }
}

/** Wide enough for every outcome but failed-wrong-reason, which is rare and may stick out. */
const OUTCOME_WIDTH = 16;

/** `expected-failure attestation/resource-released-allow-all  control  4.1 s  at "assert: …": <error>` */
export function testLine(record: TestRecord): string {
  const why = reasonOf(record);
  return `${record.outcome.padEnd(OUTCOME_WIDTH)} ${[record.id, record.project, formatDuration(record.durationMs), ...(why ? [why] : [])].join('  ')}`;
}

function reasonOf(record: TestRecord): string {
  const signature = record.failureSignature;
  if (record.outcome === 'expected-failure' && signature) return `at "${signature.step}": ${firstLine(signature.error)}`;
  if (record.outcome === 'skipped') return firstLine(record.skipReason);
  return firstLine(record.error);
}
