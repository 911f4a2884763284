import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord } from './result-record.ts';
import { resolveReporterOptions, type ResultRecordReporterOptions } from './reporter-options.ts';
import { writeRecordAtomically } from './record-file.ts';
import { isFinalAttempt, testRecordOf } from './test-outcome.ts';
import { cleanErrorText } from './error-text.ts';
import { readTestMetadata } from './test-metadata.ts';

/** Playwright reporter that writes ONE result record per cell run (reporters/result-record.schema.json).
 *  The record is rewritten atomically after every finished test, so the file on disk is always valid and a crash
 *  loses nothing already finished: status `running` until onEnd makes it `complete` (or `interrupted` when Ctrl-C
 *  or SIGTERM stopped the run). */
export default class ResultRecordReporter implements Reporter {
  private readonly options: ResultRecordReporterOptions;
  private record?: ResultRecord;
  private file = '';
  private readonly onSigterm = () => this.interruptBySignal('SIGTERM');

  constructor(options: ResultRecordReporterOptions = {}) {
    this.options = options;
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    const resolved = resolveReporterOptions(this.options);
    this.file = resolved.outputFile;
    // Secrets the workers register reach redact() through COCO_SECRETS_FILE (lib/exec/redact.ts).
    this.record = {
      schemaVersion: RESULT_RECORD_SCHEMA_VERSION,
      runId: resolved.runId,
      runner: resolved.runner,
      cell: resolved.cell,
      release: resolved.release,
      environment: resolved.environment,
      doubles: resolved.doubles,
      startedAt: new Date().toISOString(),
      status: 'running',
      planned: plannedTests(suite),
      tests: [],
    };
    this.flush();
    // Playwright turns SIGINT into an interrupted onEnd itself; SIGTERM would kill the process without one.
    process.once('SIGTERM', this.onSigterm);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    if (!this.record || result.status === 'interrupted' || !isFinalAttempt(test, result)) return;
    const classified = testRecordOf(test);
    if (classified.kind === 'test') this.record.tests.push(classified.record);
    else (this.record.unclassifiedTests ??= []).push({ title: classified.title, outcome: classified.outcome });
    this.flush();
  }

  onError(error: TestError): void {
    if (!this.record) return;
    (this.record.runErrors ??= []).push(cleanErrorText(error.message ?? error.value ?? 'unknown error'));
    this.flush();
  }

  /** A test that failed for the wrong reason passed Playwright's test.fail() check, yet counts as failed: the run
   *  is reported failed so its exit code says so. */
  async onEnd(result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    process.off('SIGTERM', this.onSigterm);
    if (!this.record) return undefined;
    this.record.status = result.status === 'interrupted' ? 'interrupted' : 'complete';
    this.record.endedAt = new Date().toISOString();
    this.flush();
    const wrongReason = this.record.tests.some((t) => t.outcome === 'failed-wrong-reason');
    return wrongReason && result.status === 'passed' ? { status: 'failed' } : undefined;
  }

  /** Marks the record interrupted, then lets the signal do what it would have done without us. */
  private interruptBySignal(signal: NodeJS.Signals): void {
    if (this.record && this.record.status === 'running') {
      this.record.status = 'interrupted';
      this.record.endedAt = new Date().toISOString();
      (this.record.runErrors ??= []).push(`run stopped by ${signal}`);
      this.flush();
    }
    process.kill(process.pid, signal);
  }

  private flush(): void {
    if (this.record) writeRecordAtomically(this.file, this.record);
  }
}

/** The conformance tests of the run, from their static annotations (runtime ones are not known yet). */
function plannedTests(suite: Suite): NonNullable<ResultRecord['planned']> {
  return suite.allTests().flatMap((test) => {
    const meta = readTestMetadata(test.title, test.tags, test.annotations);
    return meta.feature ? [{ id: meta.id, feature: meta.feature, project: test.parent.project()?.name ?? '' }] : [];
  });
}

export type { ResultRecordReporterOptions } from './reporter-options.ts';
