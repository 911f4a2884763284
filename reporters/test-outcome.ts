import type { TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { FailureSignatureCheck, Outcome, TestRecord } from './result-record.ts';
import { readTestMetadata, type Annotation } from './test-metadata.ts';
import { cleanErrorText } from './error-text.ts';

/** True when Playwright will not run this test again: the last attempt met expectations, was skipped, or used the
 *  last retry. Only then is the test written, so a retried test appears once, with its retries counted. */
export function isFinalAttempt(test: TestCase, result: TestResult): boolean {
  return result.status === 'skipped' || result.status === test.expectedStatus || result.retry >= test.retries;
}

/** Playwright's verdict on a finished test, in the record's words. test.fail() sets expectedStatus "failed", so an
 *  "expected" failure is a known limitation holding and an "unexpected" pass is a limitation that went away. */
export function outcomeOf(test: TestCase, infraError: boolean): Outcome {
  if (infraError) return 'infra-error';
  const last = test.results.at(-1);
  switch (test.outcome()) {
    case 'skipped': return 'skipped';
    case 'flaky': return 'flaky';
    case 'expected': return test.expectedStatus === 'failed' ? 'expected-failure' : 'passed';
    case 'unexpected': return test.expectedStatus === 'failed' && last?.status === 'passed' ? 'unexpected-pass' : 'failed';
  }
}

export type ClassifiedTest = { kind: 'test'; record: TestRecord } | { kind: 'unclassified'; title: string; outcome: Outcome };

/** Builds the record of one finished test from all its attempts. */
export function testRecordOf(test: TestCase): ClassifiedTest {
  const annotations = collectAnnotations(test);
  const meta = readTestMetadata(test.title, test.tags, annotations);
  const playwrightOutcome = outcomeOf(test, meta.infraError !== undefined);
  const title = test.titlePath().filter(Boolean).slice(1).join(' › ');
  if (!meta.feature) return { kind: 'unclassified', title, outcome: playwrightOutcome };
  const results = test.results;
  const error = errorOf(results, meta.infraError);
  const signature = playwrightOutcome === 'expected-failure' ? checkFailureSignature(meta.expected, results.at(-1), error) : undefined;
  const outcome: Outcome = signature && !signature.matched ? 'failed-wrong-reason' : playwrightOutcome;
  // Playwright gives an unexpected pass no error; say what it means for the claim instead.
  const errorText = outcome === 'unexpected-pass'
    ? `expected to fail (${meta.expected.reason ?? meta.expected.claim}) but passed`
    : outcome === 'failed-wrong-reason' ? wrongReasonText(signature!) : error;
  const record: TestRecord = {
    id: meta.id,
    feature: meta.feature,
    variant: meta.variant,
    title: test.title,
    project: test.parent.project()?.name ?? '',
    expected: meta.expected,
    outcome,
    // Every attempt costs runner time, so the duration is their sum.
    durationMs: results.reduce((sum, r) => sum + Math.max(0, r.duration), 0),
    retries: Math.max(0, results.length - 1),
    artifacts: [...new Set(results.flatMap((r) => r.attachments.flatMap((a) => (a.path ? [a.path] : []))))],
    startedAt: (results[0]?.startTime ?? new Date()).toISOString(),
  };
  if (errorText) record.error = errorText;
  if (outcome === 'skipped') record.skipReason = meta.skipReason ?? meta.expected.reason ?? 'skipped without a reason';
  if (meta.nonDiscriminating) record.nonDiscriminating = meta.nonDiscriminating;
  if (signature) record.failureSignature = signature;
  return { kind: 'test', record };
}

/** Holds an expected failure to its signature: it must have failed in the signature's step, with an error the
 *  pattern matches. An expectation without a signature cannot be held to anything, so it never matches. */
export function checkFailureSignature(expected: ExpectedOutcome, last: TestResult | undefined, error: string | undefined): FailureSignatureCheck {
  const failedStep = last ? failedStepOf(last.steps) : '(test body)';
  const text = error ?? '';
  const firstLine = (text.split('\n').find((l) => l.trim()) ?? '').trim();
  if (expected.expect !== 'fail' || !expected.signature) {
    return { step: '(none)', pattern: '(none)', failedStep, matched: false, error: firstLine };
  }
  const { step, pattern } = expected.signature;
  const regex = safeRegExp(pattern);
  const matchedLine = regex ? text.split('\n').find((l) => regex.test(l)) : undefined;
  const matched = failedStep === step && regex !== undefined && (matchedLine !== undefined || regex.test(text));
  return { step, pattern, failedStep, matched, error: (matchedLine ?? firstLine).trim().slice(0, 500) };
}

/** The top-level `test.step` the attempt failed in (setup, act, assert…), or "(test body)" outside any step. */
function failedStepOf(steps: readonly TestStep[]): string {
  return steps.find((s) => s.category === 'test.step' && s.error)?.title ?? '(test body)';
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'i');
  } catch {
    return undefined;
  }
}

function wrongReasonText(check: FailureSignatureCheck): string {
  return cleanErrorText(`failed for the wrong reason: expected to fail at "${check.step}" with /${check.pattern}/i, ` +
    `but failed at "${check.failedStep}": ${check.error || '(no error text)'}`);
}

function collectAnnotations(test: TestCase): Annotation[] {
  // Runtime annotations (test.info().annotations, test.skip() inside the body) live on the result.
  const fromResults = test.results.flatMap((r) => (r as TestResult & { annotations?: Annotation[] }).annotations ?? []);
  return [...test.annotations, ...fromResults];
}

/** The error of the last attempt that had one: for a flaky test that is the failure before the pass. */
function errorOf(results: readonly TestResult[], infraError: string | undefined): string | undefined {
  if (infraError) return cleanErrorText(infraError);
  for (const result of [...results].reverse()) {
    const errors = result.errors.length ? result.errors : result.error ? [result.error] : [];
    if (errors.length) return cleanErrorText(errors.map((e) => e.message ?? e.value ?? '').join('\n\n'));
  }
  return undefined;
}
