import type { Claim } from '../matrix/release-profile.ts';
import type { ClaimStatus } from '../matrix/vocabulary.ts';
import type { Outcome } from './result-record.ts';
import { countOutcomes, RAN_OUTCOMES } from './merge-outcomes.ts';
import type { MergedTest } from './merged-results.ts';

/** The states a feature × platform grid cell can take; grading here decides which one a cell gets. */
export const GRID_STATES = ['PASS', 'FAIL', 'FLAKY', 'KNOWN-LIMITATION', 'LIMITATION-PASSED', 'NOT-RUN', 'INFRA-FAIL', 'N/A'] as const;
export type GridState = (typeof GRID_STATES)[number];

/** What grading needs of a test: a current MergedTest, or one test's result on a past night. */
export type GradedTest = Pick<MergedTest, 'id' | 'outcome' | 'runKey' | 'runner' | 'skipReason'> & { expected: Pick<MergedTest['expected'], 'expect'> };

/** Outcomes that are failures wherever they happen (an unexpected pass: a limitation gone, or a test that cannot
 *  discriminate). */
export const FAILING_OUTCOMES: ReadonlySet<Outcome> = new Set(['failed', 'failed-wrong-reason', 'unexpected-pass']);

/** True when any of the tests ran (passed, failed or was expected to fail): the night has results, not only skips,
 *  infrastructure errors or tests that never finished. */
export function anyRan(tests: readonly GradedTest[]): boolean {
  return tests.some((t) => RAN_OUTCOMES.has(t.outcome));
}

/** The state of one feature × platform cell of the grid, from the release claim and every merged test of that
 *  feature on that platform (all runners). Rules, first match wins:
 *  - no test at all: NOT-RUN when the release claims `supported` or `limitation`, else N/A;
 *  - claim `not-applicable` or platform not shipped: N/A, whatever ran (the summary says what ran and failed);
 *  - any `failed` or `failed-wrong-reason` test (an expected failure that failed elsewhere than its signature), or
 *    an `unexpected-pass` where the release claims nothing: FAIL (a positive test passing where the release claims
 *    nothing means the test cannot tell a confidential runtime from runc);
 *  - an `unexpected-pass` under a limitation (the claim's own, or one covering a supported claim, as v0.9.0's
 *    sealed secrets as a file): LIMITATION-PASSED (the release notes may be out of date);
 *  - nothing ran (only skips / infra errors): INFRA-FAIL if any infra error, else NOT-RUN or N/A as for no test;
 *  - claim `supported`: PASS when at least one run (runner + cell) ran every test seen (or planned, in a run that
 *    stopped before finishing it) for this feature here and
 *    all passed; FLAKY instead when any of the tests was flaky; otherwise INFRA-FAIL / NOT-RUN for the gap;
 *  - claim `limitation` or `unsupported` (or no claim): FLAKY if any flaky test, else KNOWN-LIMITATION. */
export function gridStateOf(
  claim: Claim | undefined,
  shipped: boolean,
  tests: readonly GradedTest[],
  unfinished: readonly string[] = [],
): { state: GridState; summary: string } {
  const graded = grade(claim, shipped, tests, unfinished);
  return { state: graded.state, summary: graded.summary() };
}

/** gridStateOf's state alone, for history, which grades every cell and test night after night and reads no summary:
 *  the same grading, the sentence never written. */
export function gridState(claim: Claim | undefined, shipped: boolean, tests: readonly GradedTest[], unfinished: readonly string[] = []): GridState {
  return grade(claim, shipped, tests, unfinished).state;
}

/** The rules of gridStateOf: the state, and the summary as a function, so only a caller that shows it pays for it. */
function grade(claim: Claim | undefined, shipped: boolean, tests: readonly GradedTest[], unfinished: readonly string[]): { state: GridState; summary: () => string } {
  const effective = effectiveClaim(claim, shipped);
  const expectsResults = effective === 'supported' || effective === 'limitation';
  const ids = (list: readonly GradedTest[]) => [...new Set(list.map((t) => t.id))].join(', ');
  const withOutcome = (o: Outcome) => tests.filter((t) => t.outcome === o);

  if (tests.length === 0) {
    return expectsResults
      ? { state: 'NOT-RUN', summary: () => `the release claims ${effective}, but no runner reported a result${unfinished.length ? `; planned but never finished: ${[...new Set(unfinished)].join(', ')}` : ''}` }
      : { state: 'N/A', summary: () => naSummary(effective, shipped, claim) };
  }
  const count = countOutcomes(tests) as Record<Outcome, number>;
  let ran = 0;
  for (const outcome of RAN_OUTCOMES) ran += count[outcome];
  // Not applicable here (or not shipped): whatever ran is reported, never judged, so the cell cannot fail or alert.
  if (effective === 'not-applicable') {
    return {
      state: 'N/A',
      summary: () => {
        let failing = 0;
        for (const outcome of FAILING_OUTCOMES) failing += count[outcome];
        const ranAnyway = ran === 0 ? '' : `; ${ran} test(s) ran anyway${failing ? `: ${failing} failed (not judged)` : ', as expected'}`;
        return `${naSummary(effective, shipped, claim)}${ranAnyway}`;
      },
    };
  }
  // A test expected to fail passing: where a limitation (the claim's own, or one covering a supported claim) said
  // it would fail, the limitation no longer holds; where the release claims nothing, the test cannot tell a
  // confidential runtime from runc.
  const claimsNothing = effective === 'unsupported';
  if (count.failed > 0 || count['failed-wrong-reason'] > 0 || (count['unexpected-pass'] > 0 && claimsNothing)) {
    return {
      state: 'FAIL',
      summary: () => {
        const failed = withOutcome('failed');
        const wrongReason = withOutcome('failed-wrong-reason');
        const unexpectedPass = withOutcome('unexpected-pass');
        const parts = [];
        if (failed.length) parts.push(`failed unexpectedly: ${ids(failed)}`);
        if (wrongReason.length) parts.push(`failed, but not where and how the expected failure must: ${ids(wrongReason)}`);
        if (unexpectedPass.length && claimsNothing) parts.push(`passed where the release claims ${effective} (cannot tell a confidential runtime from runc): ${ids(unexpectedPass)}`);
        else if (unexpectedPass.length) parts.push(`limitation test passed: ${ids(unexpectedPass)}`);
        return parts.join('; ');
      },
    };
  }
  if (count['unexpected-pass'] > 0) {
    return { state: 'LIMITATION-PASSED', summary: () => `limitation test passed: ${ids(withOutcome('unexpected-pass'))}; the release notes may be out of date` };
  }
  if (ran === 0) {
    if (count['infra-error']) return { state: 'INFRA-FAIL', summary: () => `infrastructure failed before the tests ran on ${runnersOf(withOutcome('infra-error'))}` };
    return expectsResults
      ? { state: 'NOT-RUN', summary: () => `every test was skipped${tests[0]?.skipReason ? `: ${tests[0].skipReason}` : ''}` }
      : { state: 'N/A', summary: () => naSummary(effective, shipped, claim) };
  }
  if (effective === 'supported') return supportedState(tests, count, unfinished, withOutcome);
  if (count.flaky) return { state: 'FLAKY', summary: () => `flaky: ${ids(withOutcome('flaky'))}` };
  const held = () => `${count['expected-failure']} expected failure(s), ${ran - count['expected-failure']} test(s) passed as expected`;
  return {
    state: 'KNOWN-LIMITATION',
    summary: () => (effective === 'limitation' ? `limitation holds: ${held()}` : `the release claims nothing here and every test behaved so: ${held()}`),
  };
}

/** What the grid judges a cell by: its claim, or not-applicable where the release does not ship the platform. */
function effectiveClaim(claim: Claim | undefined, shipped: boolean): ClaimStatus {
  return !shipped ? 'not-applicable' : claim?.status ?? 'unsupported';
}

/** Whether anything that runs in a cell is judged: a not-applicable or not-shipped cell is N/A whatever ran, on every
 *  night, so history need not look back for a night it passed. */
export function isJudged(claim: Claim | undefined, shipped: boolean): boolean {
  return effectiveClaim(claim, shipped) !== 'not-applicable';
}

function supportedState(tests: readonly GradedTest[], count: Record<Outcome, number>, unfinished: readonly string[],
  withOutcome: (o: Outcome) => GradedTest[]): { state: GridState; summary: () => string } {
  // Every test any run reported or planned for this feature here must have passed in one run.
  // A skip the release expects (a limitation check that does not apply here) is not a gap.
  const plannedSkip = (t: GradedTest) => t.outcome === 'skipped' && t.expected.expect === 'skip';
  const wanted = new Set([...tests.filter((t) => !plannedSkip(t)).map((t) => t.id), ...unfinished]);
  const byRun = new Map<string, GradedTest[]>();
  for (const t of tests) {
    const list = byRun.get(t.runKey);
    if (list) list.push(t);
    else byRun.set(t.runKey, [t]);
  }
  // A test a covering limitation expects to fail (v0.9.0's sealed secret as a file, under "only … environment
  // variables") holds the claim when it fails as expected.
  const held = (t: GradedTest) => t.outcome === 'passed' || t.outcome === 'flaky' || (t.outcome === 'expected-failure' && t.expected.expect === 'fail');
  const complete = [...byRun.entries()].filter(([, list]) => {
    const passed = new Set(list.filter(held).map((t) => t.id));
    return [...wanted].every((id) => passed.has(id));
  });
  if (complete.length > 0) {
    const runners = () => complete.map(([key]) => key.split('|')[0]).join(', ');
    if (count.flaky) {
      return { state: 'FLAKY', summary: () => `passed on ${runners()}, but flaky: ${[...new Set(withOutcome('flaky').map((t) => t.id))].join(', ')}` };
    }
    return { state: 'PASS', summary: () => `all ${wanted.size} test(s) passed on ${runners()}` };
  }
  const gapOf = () => {
    const passedSomewhere = new Set(tests.filter(held).map((t) => t.id));
    const missing = [...wanted].filter((id) => !passedSomewhere.has(id));
    return `${wanted.size - missing.length} of ${wanted.size} test(s) passed; ${missing.length ? `not run: ${missing.join(', ')}` : 'no single run passed every test'}`;
  };
  return count['infra-error']
    ? { state: 'INFRA-FAIL', summary: () => `${gapOf()} (infrastructure failed on ${runnersOf(withOutcome('infra-error'))})` }
    : { state: 'NOT-RUN', summary: gapOf };
}

function naSummary(effective: ClaimStatus, shipped: boolean, claim: Claim | undefined): string {
  if (!shipped) return 'the release does not ship this platform';
  if (effective === 'not-applicable') return `not applicable${claim?.note ? `: ${claim.note}` : ''}`;
  return `the release claims ${effective} here${claim?.note ? `: ${claim.note}` : ''}; nothing ran`;
}

function runnersOf(tests: readonly GradedTest[]): string {
  return [...new Set(tests.map((t) => t.runner))].join(', ');
}
