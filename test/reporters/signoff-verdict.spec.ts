import { expect, test } from '@playwright/test';
import type { Claim } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';
import type { GridCell, PlatformColumn } from '../../reporters/compatibility-report.ts';
import type { GridState } from '../../reporters/grid-state.ts';
import type { MergedTest } from '../../reporters/merged-results.ts';
import type { Outcome } from '../../reporters/result-record.ts';
import { decideSignoff, judgedStateOf, shownStateNotJudged } from '../../reporters/signoff-verdict.ts';

/** decideSignoff over hand-made grid cells, with whole reason and note lines: who saw a failure, since when, what is
 *  out of scope, what cells not required for sign-off found. The truth table (signoff-truth-table.spec.ts) checks
 *  verdicts from records and reasons by prefix; a mutation of these lines went unnoticed there (StrykerJS). */
const COLUMNS: PlatformColumn[] = [
  { id: 'tdx', name: 'Intel TDX', shipped: true, claimed: true },
  { id: 'snp', name: 'AMD SEV-SNP', shipped: true, claimed: true },
  { id: 'coco-dev', name: 'coco-dev', shipped: false, claimed: true },
  { id: 'control', name: 'control', shipped: true, claimed: false },
];

function result(outcome: Outcome, runner: string, required = true): MergedTest {
  return { runner, outcome, required, id: 'attestation/resource-released-allow-all' } as MergedTest;
}

function cell(platform: PlatformId, state: GridState, more: { claim?: Claim; tests?: MergedTest[]; firstNight?: string; notRequired?: GridCell['notRequired'] } = {}): GridCell {
  return {
    feature: 'attestation', platform, state, summary: `${state.toLowerCase()} because`, claim: more.claim ?? { status: 'supported' },
    tests: more.tests ?? [], runners: [...new Set((more.tests ?? []).map((t) => t.runner))],
    ...(more.notRequired ? { notRequired: more.notRequired } : {}),
    history: { strip: [], tests: [], ...(more.firstNight ? { failureStreak: { firstNight: more.firstNight, nights: 2 } } : {}) },
  };
}

test('a failure names its failing runners, sorted, and the first night of its streak; the cell it links says the same', () => {
  const failing = cell('snp', 'FAIL', { tests: [result('failed', 'snp-b'), result('passed', 'snp-c'), result('failed-wrong-reason', 'snp-a'), result('unexpected-pass', 'snp-b')],
    firstNight: '2026-11-30' });
  const verdict = decideSignoff([[cell('tdx', 'PASS'), failing]], COLUMNS);
  expect(verdict).toEqual({
    verdict: 'FAIL', exitCode: 1, scope: ['tdx', 'snp'],
    reasons: ['FAIL attestation × snp: fail because (runner(s): snp-a, snp-b; failing since 2026-11-30)'],
    reasonCells: [{ feature: 'attestation', platform: 'snp', runners: ['snp-a', 'snp-b'], firstFailingNight: '2026-11-30' }],
    notes: [],
  });
});

test('a gap names every runner that reported there and no night; a gap nobody reported names no one', () => {
  const infra = cell('tdx', 'INFRA-FAIL', { tests: [result('infra-error', 'tdx-2'), result('passed', 'tdx-1')], firstNight: '2026-11-30' });
  const verdict = decideSignoff([[infra, cell('snp', 'NOT-RUN')]], COLUMNS);
  expect(verdict).toEqual({
    verdict: 'INCONCLUSIVE', exitCode: 3, scope: ['tdx', 'snp'],
    reasons: ['INFRA-FAIL attestation × tdx: infra-fail because (runner(s): tdx-1, tdx-2)', 'NOT-RUN attestation × snp: not-run because'],
    reasonCells: [{ feature: 'attestation', platform: 'tdx', runners: ['tdx-1', 'tdx-2'] }, { feature: 'attestation', platform: 'snp', runners: [] }],
    notes: [],
  });
});

test('a limitation that passed fails the sign-off; a limitation that holds and a flaky pass do not, the flaky one is a note', () => {
  const limitation: Claim = { status: 'limitation' };
  expect(decideSignoff([[cell('tdx', 'FLAKY', { tests: [result('flaky', 'tdx-1')] }), cell('snp', 'KNOWN-LIMITATION', { claim: limitation })]], COLUMNS)).toEqual({
    verdict: 'PASS', exitCode: 0, scope: ['tdx', 'snp'], reasons: [], reasonCells: [], notes: ['FLAKY attestation × tdx: flaky because'] });
  const passed = decideSignoff([[cell('tdx', 'PASS'), cell('snp', 'LIMITATION-PASSED', { claim: limitation, tests: [result('unexpected-pass', 'snp-1')] })]], COLUMNS);
  expect(passed.verdict).toBe('FAIL');
  expect(passed.reasons).toEqual(['LIMITATION-PASSED attestation × snp: limitation-passed because (runner(s): snp-1)']);
});

test('scope: shipped platforms but control by default; named platforms only, the others noted with what failed there', () => {
  const grid = [[cell('tdx', 'PASS'), cell('snp', 'FAIL', { tests: [result('failed', 'snp-1')] }), cell('coco-dev', 'FAIL', { tests: [result('failed', 'dev-1')] }),
    cell('control', 'FAIL', { claim: { status: 'unsupported' }, tests: [result('unexpected-pass', 'ci')] })]];
  expect(decideSignoff(grid, COLUMNS).scope).toEqual(['tdx', 'snp']);
  const devNote = 'not in sign-off scope, not judged: FAIL attestation × coco-dev: fail because (runner(s): dev-1)';
  const controlNote = 'not in sign-off scope, not judged: FAIL attestation × control: fail because (runner(s): ci)';
  expect(decideSignoff(grid, COLUMNS)).toMatchObject({ verdict: 'FAIL', notes: [devNote, controlNote] });
  expect(decideSignoff(grid, COLUMNS, ['tdx'])).toEqual({
    verdict: 'PASS', exitCode: 0, scope: ['tdx'], reasons: [], reasonCells: [],
    notes: ['not in sign-off scope: snp', 'not in sign-off scope, not judged: FAIL attestation × snp: fail because (runner(s): snp-1)', devNote, controlNote],
  });
  // Named, control counts; a platform the release does not ship never does.
  expect(decideSignoff(grid, COLUMNS, ['tdx', 'control', 'coco-dev'])).toMatchObject({ verdict: 'FAIL', scope: ['tdx', 'control'],
    reasons: ['FAIL attestation × control: fail because (runner(s): ci)'] });
});

test('nothing required in scope is INCONCLUSIVE, with a reason that links no cell', () => {
  const verdict = decideSignoff([[cell('tdx', 'KNOWN-LIMITATION', { claim: { status: 'limitation' } }), cell('snp', 'PASS')]], COLUMNS, ['tdx']);
  expect(verdict).toEqual({
    verdict: 'INCONCLUSIVE', exitCode: 3, scope: ['tdx'],
    reasons: ['nothing to sign off: no supported claim on a shipped platform in scope (or only cells not required for sign-off ran them)'],
    reasonCells: [null], notes: ['not in sign-off scope: snp'],
  });
});

test('cells not required for sign-off: judged on the required runs alone, and a note says what they found', () => {
  const runs = ['tdx-lab — v0.21.0/tdx/kubeadm-1.35/containerd/nydus'];
  // Only not-required runs here, on a supported claim: not judged, a NOT-RUN gap, and a note with what they saw.
  const onlyLab = cell('tdx', 'PASS', { tests: [result('passed', 'tdx-lab', false)], notRequired: { runs } });
  expect(judgedStateOf(onlyLab)).toBeUndefined();
  expect(shownStateNotJudged(onlyLab)).toBe(true);
  expect(decideSignoff([[onlyLab, cell('snp', 'PASS')]], COLUMNS)).toEqual({
    verdict: 'PASS', exitCode: 0, scope: ['tdx', 'snp'], reasons: [], reasonCells: [],
    notes: [`not judged: attestation × tdx ran only on cells not required for sign-off (${runs[0]}): PASS: pass because`],
  });
  // A healthy not-required cell where nothing would be required is not worth a line; a failing one is.
  const limitation: Claim = { status: 'limitation' };
  const healthyLab = cell('snp', 'KNOWN-LIMITATION', { claim: limitation, tests: [result('expected-failure', 'lab', false)], notRequired: { runs } });
  expect(decideSignoff([[cell('tdx', 'PASS'), healthyLab]], COLUMNS).notes).toEqual([]);
  const failingLab = cell('snp', 'FAIL', { claim: limitation, tests: [result('failed', 'lab', false)], notRequired: { runs } });
  expect(decideSignoff([[cell('tdx', 'PASS'), failingLab]], COLUMNS)).toMatchObject({ verdict: 'PASS',
    notes: [`not judged: attestation × snp ran only on cells not required for sign-off (${runs[0]}): FAIL: fail because`] });
  // Required and not-required runs: the required ones decide, and the reason names only their runners.
  const mixed = cell('snp', 'FAIL', { tests: [result('failed', 'lab', false), result('failed', 'snp-1'), result('passed', 'snp-2')],
    notRequired: { runs, judged: { state: 'FAIL', summary: 'required runs failed' } } });
  expect(decideSignoff([[cell('tdx', 'PASS'), mixed]], COLUMNS)).toMatchObject({ verdict: 'FAIL', notes: [],
    reasons: ['FAIL attestation × snp: required runs failed (runner(s): snp-1)'] });
  const labOnlyFailed = cell('snp', 'FAIL', { tests: [result('failed', 'lab', false), result('passed', 'snp-1')],
    notRequired: { runs, judged: { state: 'PASS', summary: 'the required runs passed' } } });
  expect(shownStateNotJudged(labOnlyFailed)).toBe(true);
  expect(judgedStateOf(labOnlyFailed)).toEqual({ state: 'PASS', summary: 'the required runs passed' });
  expect(decideSignoff([[cell('tdx', 'PASS'), labOnlyFailed]], COLUMNS)).toEqual({
    verdict: 'PASS', exitCode: 0, scope: ['tdx', 'snp'], reasons: [], reasonCells: [],
    notes: [`not judged: FAIL attestation × snp comes from cells not required for sign-off (${runs[0]}): fail because; the required cells alone are PASS`],
  });
  expect(shownStateNotJudged(cell('tdx', 'PASS'))).toBe(false);
});
