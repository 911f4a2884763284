import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import type { ResultRecord } from './result-record.ts';
import { loadSuiteEnvironment } from '../lib/suite-environment.ts';
import { recordIdentity } from './record-identity.ts';
import { RecordWriter } from './record-writer.ts';
import { isFinalAttempt, testRecordOf } from './test-outcome.ts';
import { cleanErrorText } from './error-text.ts';
import { readTestMetadata } from './test-metadata.ts';

/** Playwright reporter that writes ONE result record per cell run, through the record writer (record-writer.ts):
 *  status `running` with every finished test as it finishes, until onEnd makes it `complete` (or `interrupted` when
 *  Ctrl-C or SIGTERM stopped the run). */
export default class ResultRecordReporter implements Reporter {
  private writer?: RecordWriter;
  private readonly onSigterm = () => this.interruptBySignal('SIGTERM');

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    // Who ran what, where the record goes: the suite environment, as the fixtures read it.
    const { outputFile, ...identity } = recordIdentity(loadSuiteEnvironment());
    // Secrets the workers register reach redact() through COCO_SECRETS_FILE (lib/exec/redact.ts).
    this.writer = RecordWriter.begin(outputFile, { ...identity, planned: plannedTests(suite) });
    // Playwright turns SIGINT into an interrupted onEnd itself; SIGTERM would kill the process without one.
    process.once('SIGTERM', this.onSigterm);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    if (!this.writer || result.status === 'interrupted' || !isFinalAttempt(test, result)) return;
    const classified = testRecordOf(test);
    if (classified.kind === 'test') this.writer.addTest(classified.record);
    else this.writer.addUnclassifiedTest(classified.title, classified.outcome);
  }

  onError(error: TestError): void {
    this.writer?.addRunError(cleanErrorText(error.message ?? error.value ?? 'unknown error'));
  }

  /** A test that failed for the wrong reason passed Playwright's test.fail() check, yet counts as failed: the run
   *  is reported failed so its exit code says so. */
  async onEnd(result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    process.off('SIGTERM', this.onSigterm);
    if (!this.writer) return undefined;
    this.writer.end(result.status === 'interrupted' ? 'interrupted' : 'complete');
    const wrongReason = this.writer.record.tests.some((t) => t.outcome === 'failed-wrong-reason');
    return wrongReason && result.status === 'passed' ? { status: 'failed' } : undefined;
  }

  /** Marks the record interrupted, then lets the signal do what it would have done without us. */
  private interruptBySignal(signal: NodeJS.Signals): void {
    if (this.writer?.record.status === 'running') this.writer.interrupt(`run stopped by ${signal}`);
    process.kill(process.pid, signal);
  }
}

/** The conformance tests of the run, from their static annotations (runtime ones are not known yet). */
function plannedTests(suite: Suite): NonNullable<ResultRecord['planned']> {
  return suite.allTests().flatMap((test) => {
    const meta = readTestMetadata(test.title, test.tags, test.annotations);
    return meta.feature ? [{ id: meta.id, feature: meta.feature, project: test.parent.project()?.name ?? '' }] : [];
  });
}
