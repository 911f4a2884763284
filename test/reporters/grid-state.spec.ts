import { expect, test } from '@playwright/test';
import type { Claim } from '../../matrix/release-profile.ts';
import { anyRan, gridState, gridStateOf, type GradedTest } from '../../reporters/grid-state.ts';
import type { Outcome } from '../../reporters/result-record.ts';

/** gridStateOf, rule by rule, with whole summaries: the sentence a release manager reads in a cell is part of the
 *  behaviour (the truth table and the history specs check states and prefixes). Each case below was left unguarded
 *  by those specs: a mutation of its branch or its text went unnoticed (StrykerJS, npm run test:mutation reporters). */
const NOTE = 'the notes say so';
const supported: Claim = { status: 'supported' };
const limitation: Claim = { status: 'limitation', note: NOTE };
const unsupported: Claim = { status: 'unsupported', note: NOTE };
const notApplicable: Claim = { status: 'not-applicable', note: NOTE };

/** One result: `id outcome` on runner r1 (run key r1|cell), expected to pass unless said. */
function t(id: string, outcome: Outcome, more: { runner?: string; expect?: 'pass' | 'fail' | 'skip'; skipReason?: string } = {}): GradedTest {
  const runner = more.runner ?? 'r1';
  return { id, outcome, runner, runKey: `${runner}|v0.21.0/tdx/kubeadm-1.35/containerd/nydus`, expected: { expect: more.expect ?? 'pass' },
    ...(more.skipReason ? { skipReason: more.skipReason } : {}) };
}

interface Case {
  name: string;
  claim: Claim | undefined;
  shipped?: boolean;
  tests: GradedTest[];
  unfinished?: string[];
  state: string;
  summary: string;
}

const CASES: Case[] = [
  // No test at all.
  { name: 'supported, nothing reported', claim: supported, tests: [], state: 'NOT-RUN', summary: 'the release claims supported, but no runner reported a result' },
  { name: 'limitation, planned tests that never finished', claim: limitation, tests: [], unfinished: ['a', 'b', 'a'],
    state: 'NOT-RUN', summary: 'the release claims limitation, but no runner reported a result; planned but never finished: a, b' },
  { name: 'unsupported, nothing reported', claim: unsupported, tests: [], state: 'N/A', summary: `the release claims unsupported here: ${NOTE}; nothing ran` },
  { name: 'no claim, nothing reported', claim: undefined, tests: [], state: 'N/A', summary: 'the release claims unsupported here; nothing ran' },
  { name: 'not applicable, with and without a note', claim: notApplicable, tests: [], state: 'N/A', summary: `not applicable: ${NOTE}` },
  { name: 'not applicable, no note', claim: { status: 'not-applicable' }, tests: [], state: 'N/A', summary: 'not applicable' },
  { name: 'not shipped, whatever the claim', claim: supported, shipped: false, tests: [], state: 'N/A', summary: 'the release does not ship this platform' },
  // Not applicable or not shipped: reported, never judged.
  { name: 'not applicable, two ran and one failed', claim: notApplicable, tests: [t('a', 'failed'), t('b', 'passed'), t('c', 'skipped')],
    state: 'N/A', summary: `not applicable: ${NOTE}; 2 test(s) ran anyway: 1 failed (not judged)` },
  { name: 'not applicable, a wrong-reason failure and an unexpected pass count as failed too', claim: notApplicable,
    tests: [t('a', 'failed-wrong-reason'), t('b', 'unexpected-pass'), t('c', 'passed')],
    state: 'N/A', summary: `not applicable: ${NOTE}; 3 test(s) ran anyway: 2 failed (not judged)` },
  { name: 'not shipped, one ran as expected', claim: supported, shipped: false, tests: [t('a', 'expected-failure')],
    state: 'N/A', summary: 'the release does not ship this platform; 1 test(s) ran anyway, as expected' },
  { name: 'not applicable, only skips', claim: notApplicable, tests: [t('a', 'skipped')], state: 'N/A', summary: `not applicable: ${NOTE}` },
  // Failures.
  { name: 'every kind of failure where the release claims nothing', claim: unsupported,
    tests: [t('a', 'failed'), t('a', 'failed', { runner: 'r2' }), t('b', 'failed-wrong-reason'), t('c', 'unexpected-pass'), t('d', 'passed')],
    state: 'FAIL', summary: 'failed unexpectedly: a; failed, but not where and how the expected failure must: b; ' +
      'passed where the release claims unsupported (cannot tell a confidential runtime from runc): c' },
  { name: 'a failure beside a passing limitation test', claim: limitation, tests: [t('a', 'failed'), t('c', 'unexpected-pass')],
    state: 'FAIL', summary: 'failed unexpectedly: a; limitation test passed: c' },
  { name: 'a wrong-reason failure alone', claim: supported, tests: [t('b', 'failed-wrong-reason'), t('a', 'passed')],
    state: 'FAIL', summary: 'failed, but not where and how the expected failure must: b' },
  { name: 'a limitation test that passed', claim: limitation, tests: [t('c', 'unexpected-pass'), t('d', 'passed')],
    state: 'LIMITATION-PASSED', summary: 'limitation test passed: c; the release notes may be out of date' },
  { name: 'a covering limitation\'s test that passed on a supported claim', claim: supported, tests: [t('c', 'unexpected-pass', { expect: 'fail' }), t('d', 'passed')],
    state: 'LIMITATION-PASSED', summary: 'limitation test passed: c; the release notes may be out of date' },
  // Nothing ran.
  { name: 'only infrastructure errors and skips', claim: supported,
    tests: [t('a', 'infra-error', { runner: 'r2' }), t('b', 'infra-error', { runner: 'r1' }), t('a', 'infra-error', { runner: 'r2' }), t('c', 'skipped')],
    state: 'INFRA-FAIL', summary: 'infrastructure failed before the tests ran on r2, r1' },
  { name: 'only skips, on a supported claim, with the first skip\'s reason', claim: supported, tests: [t('a', 'skipped', { skipReason: 'no GPU' }), t('b', 'skipped')],
    state: 'NOT-RUN', summary: 'every test was skipped: no GPU' },
  { name: 'only skips, no reason', claim: limitation, tests: [t('a', 'skipped')], state: 'NOT-RUN', summary: 'every test was skipped' },
  { name: 'only skips where the release claims nothing', claim: unsupported, tests: [t('a', 'skipped', { skipReason: 'no GPU' })],
    state: 'N/A', summary: `the release claims unsupported here: ${NOTE}; nothing ran` },
  // Supported: one run must pass every test.
  { name: 'each test passed, but in different runs', claim: supported,
    tests: [t('a', 'passed'), t('b', 'skipped'), t('a', 'skipped', { runner: 'r2' }), t('b', 'passed', { runner: 'r2' })],
    state: 'NOT-RUN', summary: '2 of 2 test(s) passed; no single run passed every test' },
  { name: 'two runs passed all', claim: supported, tests: [t('a', 'passed'), t('b', 'passed'), t('a', 'passed', { runner: 'r2' }), t('b', 'flaky', { runner: 'r2' })],
    state: 'FLAKY', summary: 'passed on r1, r2, but flaky: b' },
  { name: 'a run passed all', claim: supported, tests: [t('a', 'passed'), t('b', 'passed')], state: 'PASS', summary: 'all 2 test(s) passed on r1' },
  { name: 'two flaky tests in the run that passed all', claim: supported, tests: [t('a', 'flaky'), t('b', 'flaky')],
    state: 'FLAKY', summary: 'passed on r1, but flaky: a, b' },
  { name: 'two tests never run', claim: supported, tests: [t('a', 'passed'), t('b', 'skipped'), t('c', 'skipped')],
    state: 'NOT-RUN', summary: '1 of 3 test(s) passed; not run: b, c' },
  { name: 'a skip the release expects is no gap', claim: supported, tests: [t('a', 'passed'), t('b', 'skipped', { expect: 'skip' })],
    state: 'PASS', summary: 'all 1 test(s) passed on r1' },
  { name: 'a skip the release does not expect is a gap', claim: supported, tests: [t('a', 'passed'), t('b', 'skipped')],
    state: 'NOT-RUN', summary: '1 of 2 test(s) passed; not run: b' },
  { name: 'an expected failure under a covering limitation holds the claim', claim: supported, tests: [t('a', 'passed'), t('b', 'expected-failure', { expect: 'fail' })],
    state: 'PASS', summary: 'all 2 test(s) passed on r1' },
  { name: 'an expected failure the release expected to pass holds nothing', claim: supported, tests: [t('a', 'passed'), t('b', 'expected-failure')],
    state: 'NOT-RUN', summary: '1 of 2 test(s) passed; not run: b' },
  { name: 'a planned test that never finished is a gap', claim: supported, tests: [t('a', 'passed')], unfinished: ['b'],
    state: 'NOT-RUN', summary: '1 of 2 test(s) passed; not run: b' },
  { name: 'a gap with an infrastructure error', claim: supported, tests: [t('a', 'passed'), t('b', 'infra-error', { runner: 'r2' })],
    state: 'INFRA-FAIL', summary: '1 of 2 test(s) passed; not run: b (infrastructure failed on r2)' },
  // Limitation or nothing claimed, all as expected.
  { name: 'a flaky test under a limitation', claim: limitation, tests: [t('a', 'flaky'), t('b', 'flaky'), t('b', 'flaky', { runner: 'r2' })],
    state: 'FLAKY', summary: 'flaky: a, b' },
  { name: 'a limitation that holds', claim: limitation, tests: [t('a', 'expected-failure', { expect: 'fail' }), t('b', 'passed'), t('c', 'skipped')],
    state: 'KNOWN-LIMITATION', summary: 'limitation holds: 1 expected failure(s), 1 test(s) passed as expected' },
  { name: 'nothing claimed and every test behaved so', claim: unsupported, tests: [t('a', 'expected-failure', { expect: 'fail' }), t('b', 'expected-failure', { expect: 'fail' }), t('c', 'passed')],
    state: 'KNOWN-LIMITATION', summary: 'the release claims nothing here and every test behaved so: 2 expected failure(s), 1 test(s) passed as expected' },
];

for (const c of CASES) {
  test(`grid state: ${c.name}`, () => {
    expect(gridStateOf(c.claim, c.shipped ?? true, c.tests, c.unfinished)).toEqual({ state: c.state, summary: c.summary });
    // History grades by the state alone: the same rules, no sentence.
    expect(gridState(c.claim, c.shipped ?? true, c.tests, c.unfinished)).toBe(c.state);
  });
}

test('anyRan: a night with results, not only skips and infrastructure errors', () => {
  for (const outcome of ['passed', 'failed', 'expected-failure', 'failed-wrong-reason', 'unexpected-pass', 'flaky'] as Outcome[]) {
    expect(anyRan([t('a', 'skipped'), t('b', outcome)]), outcome).toBe(true);
  }
  expect(anyRan([t('a', 'skipped'), t('b', 'infra-error')])).toBe(false);
  expect(anyRan([])).toBe(false);
});
