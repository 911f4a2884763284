import type { Cell } from '../matrix/cell.ts';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { PlannedTest } from '../matrix/plan-cells.ts';
import { catalogTest, TEST_CATALOG, type CatalogTest } from '../matrix/index.ts';
import type { EnvironmentFacts, ImportedFrom, Outcome, ResultRecord, TestRecord } from './result-record.ts';
import type { MappedUpstreamResults, UpstreamResult } from './upstream-results.ts';
import { RecordWriter, type WholeRecordHead } from './record-writer.ts';
import { cleanErrorText } from './error-text.ts';

/** The records the harness writes without running the suites itself, complete and valid: a cell whose tests never
 *  ran — infrastructure failed first, or there was nothing to run — so the report shows INFRA-FAIL or the skip
 *  reason instead of a silent gap; and the results upstream CI ran, imported (`coco-conformance import`), so they
 *  merge with the harness's own in one grid and one sign-off. */

export interface InfraErrorRecordInput {
  outFile: string;
  runId: string;
  runner: string;
  cell: Cell;
  release: string;
  /** The cell's tests as the plan step planned them, each with its expected outcome, recorded as if it had run.
   *  Absent when the plan step itself failed: then the cell's suites' catalog tests, their outcome not derived. */
  planned?: readonly PlannedTest[];
  /** The pipeline step that failed: provision, install, kbs, registry… */
  step: string;
  error: unknown;
  environment?: EnvironmentFacts;
  doubles?: string[];
}

/** What a test that could not be planned is recorded as expecting: nothing was derived, and the record says so. */
const NOT_DERIVED: ExpectedOutcome = { expect: 'pass', claim: 'supported', reason: 'not derived: no release profile was given' };

/** For the pipeline when provisioning or install fails: every test of the cell is an infra-error, so the report
 *  shows INFRA-FAIL (and the sign-off INCONCLUSIVE). */
export function writeInfraErrorRecord(input: InfraErrorRecordInput): ResultRecord {
  const message = cleanErrorText(input.error instanceof Error ? input.error.message : String(input.error));
  const tests = input.planned
    ? input.planned.map((test) => ({ test: catalogTest(test.id), expected: test.outcome }))
    : TEST_CATALOG.filter((t) => input.cell.suites.length === 0 || input.cell.suites.includes(t.feature))
      .map((test) => ({ test, expected: NOT_DERIVED }));
  return writeNotRunRecord(input.outFile, {
    runId: input.runId, runner: input.runner, cell: input.cell, release: input.release, status: 'infra-error',
    infraError: { step: input.step, message }, environment: input.environment ?? {}, doubles: input.doubles ?? [],
  }, tests, () => ({ outcome: 'infra-error', error: `not run: ${input.step} failed: ${message}` }));
}

export interface SkippedCellRecordInput {
  file: string;
  runId: string;
  cell: Cell;
  /** Every test of the cell, each expected to skip (the plan said so). */
  planned: readonly PlannedTest[];
}

/** The record of a cell that had nothing to run: complete, every test `skipped` with the reason the release profile
 *  gives (e.g. the platform's note), exactly what the suites would have recorded after skipping each. */
export function writeSkippedCellRecord(input: SkippedCellRecordInput): ResultRecord {
  return writeNotRunRecord(input.file, {
    runId: input.runId, runner: input.cell.runner, cell: input.cell, release: input.cell.release, status: 'complete',
    environment: {}, doubles: [],
    planned: input.planned.map((test) => ({ id: test.id, feature: test.feature, project: input.cell.platform })),
  }, input.planned.map((test) => {
    const entry = catalogTest(test.id);
    return { test: { ...entry, title: `${entry.id}: ${entry.title}` }, expected: test.outcome };
  }),
  (expected) => ({ outcome: 'skipped', skipReason: expected.reason ?? 'skipped' }));
}

export interface ImportedRecordInput {
  file: string;
  runId: string;
  cell: Cell;
  /** The cell's tests as planned for the imported release and platform: each result's expected outcome. */
  planned: readonly PlannedTest[];
  imported: ImportedFrom;
  results: MappedUpstreamResults;
  /** What the reports promised but did not hold. */
  problems: string[];
  startedAt?: string;
}

/** The record of upstream CI's results: each mapped bats result becomes its catalog test's entry, judged against
 *  the release's expected outcome; a skip keeps upstream's reason; a bats result with no catalog test is listed in
 *  unclassifiedTests (the report warns of each). An expected failure is held to a signature (step and error) that a
 *  TAP or JUnit result does not carry, so an imported `not ok` where a failure was expected is failed-wrong-reason,
 *  with the catalog's signature and upstream's diagnostics for a person to judge. */
export function writeImportedRecord(input: ImportedRecordInput): ResultRecord {
  const byId = new Map(input.results.mapped.map((m) => [m.testId, m.result]));
  const planned = input.planned.filter((test) => byId.has(test.id));
  const source = (r: UpstreamResult) => `${r.batsFile ? `${r.batsFile}: ` : ''}${r.name}`;
  return writeNotRunRecord(input.file, {
    runId: input.runId, runner: input.cell.runner, cell: input.cell, release: input.cell.release, status: 'complete',
    environment: {}, doubles: [], imported: input.imported,
    ...(input.problems.length ? { runErrors: input.problems } : {}),
    ...(input.results.unmapped.length
      ? { unclassifiedTests: input.results.unmapped.map(({ result, why }) => ({ title: `imported ${source(result)} (${why})`, outcome: outcomeOf(result, undefined) })) }
      : {}),
  }, planned.map((test) => {
    const entry = catalogTest(test.id);
    return { test: { ...entry, title: `${entry.title} (imported: ${source(byId.get(test.id)!)})` }, expected: test.outcome };
  }), (expected, test) => {
    const result = byId.get(test.id)!;
    const outcome = outcomeOf(result, expected);
    const entry = catalogTest(test.id);
    return {
      outcome, durationMs: result.durationMs,
      ...(result.status === 'skipped' ? { skipReason: result.detail ?? 'skipped upstream' } : {}),
      ...(result.status === 'failed' ? { error: cleanErrorText(`upstream bats: not ok: ${result.detail ?? '(no diagnostics)'}`) } : {}),
      ...(outcome === 'failed-wrong-reason' && entry.failsAs ? { failureSignature: {
        step: entry.failsAs.step, pattern: entry.failsAs.pattern, failedStep: '(imported: upstream reports no step)', matched: false,
        error: cleanErrorText(result.detail ?? '').split('\n')[0] ?? '' } } : {}),
    };
  }, input.startedAt);
}

/** An upstream result against what the release expects: bats `ok` is a pass (an unexpected one where a failure was
 *  expected), `not ok` a failure (see writeImportedRecord for an expected one), a skip a skip. */
function outcomeOf(result: UpstreamResult, expected: ExpectedOutcome | undefined): Outcome {
  if (result.status === 'skipped') return 'skipped';
  if (result.status === 'passed') return expected?.expect === 'fail' ? 'unexpected-pass' : 'passed';
  return expected?.expect === 'fail' ? 'failed-wrong-reason' : 'failed';
}

/** One record, written whole through the record writer, with a test entry per catalog test that says what became of
 *  it without the harness running it. */
function writeNotRunRecord(file: string, head: WholeRecordHead, tests: readonly { test: CatalogTest; expected: ExpectedOutcome }[],
  why: (expected: ExpectedOutcome, test: CatalogTest) => Pick<TestRecord, 'outcome' | 'error' | 'skipReason' | 'failureSignature'> & { durationMs?: number },
  startedAt?: string): ResultRecord {
  const now = new Date().toISOString();
  return RecordWriter.writeWhole(file, head, tests.map(({ test, expected }) => ({
    id: test.id, feature: test.feature, variant: test.variant, title: test.title, project: head.cell.platform, expected,
    durationMs: 0, ...why(expected, test), retries: 0, artifacts: [], startedAt: startedAt ?? now,
  })), startedAt, now);
}
