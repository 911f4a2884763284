import { test, expect } from '@playwright/test';
import { buildCompatibilityReport, gradeNight, OUTCOMES, type CompatibilityReport, type GridCell } from '../../reporters/index.ts';
import { profile, record, type RecordSpec, type TestSpec } from './sample-records.ts';

const PROFILE = profile({ attestation: { tdx: 'supported', snp: 'supported' } });
const ALLOW = 'attestation/resource-released-allow-all';
const DENY = 'attestation/resource-withheld-deny-all';

/** One TDX record a night, starting 2024-07-01, each night's tests as given. */
function nights(...perNight: TestSpec[][]): RecordSpec[] {
  return perNight.map((tests, i) => ({ platform: 'tdx', runner: 'tdx-01', startedAt: `2024-07-${String(i + 1).padStart(2, '0')}T01:00:00.000Z`, tests }));
}

function build(specs: RecordSpec[], history?: { nights?: number; alertAfter?: number }): CompatibilityReport {
  return buildCompatibilityReport({ records: specs.map(record), profile: PROFILE, generatedAt: 'fixed', history });
}

function tdx(report: CompatibilityReport): GridCell {
  return report.grid.flat().find((c) => c.feature === 'attestation' && c.platform === 'tdx')!;
}

test('the grid is the newest night: a failure on an older night is history, not a flaky cell', () => {
  const report = build(nights([[ALLOW, 'failed'], [DENY, 'passed']], [[ALLOW, 'passed'], [DENY, 'passed']]));
  const cell = tdx(report);
  expect(cell.state).toBe('PASS');
  expect(cell.tests.find((t) => t.id === ALLOW)).toMatchObject({ outcome: 'passed', history: ['passed'], night: '2024-07-02', runIds: ['run-tdx-01-2024-07-02'] });
  expect(cell.history.strip).toEqual(['FAIL', 'PASS']);
  expect(report.runs[0]).toMatchObject({ runIds: ['run-tdx-01-2024-07-02'], firstNight: '2024-07-01', lastNight: '2024-07-02', nights: 2 });
});

test('reruns of the same night fold as reruns do (failed then passed: flaky); the next night stands on its own', () => {
  const specs: RecordSpec[] = [
    { platform: 'tdx', runner: 'tdx-01', runId: 'first', startedAt: '2024-07-01T01:00:00.000Z', tests: [[ALLOW, 'failed'], [DENY, 'passed']] },
    { platform: 'tdx', runner: 'tdx-01', runId: 'rerun', startedAt: '2024-07-01T23:00:00.000Z', tests: [[ALLOW, 'passed']] },
  ];
  expect(tdx(build(specs)).history.strip).toEqual(['FLAKY']);
  expect(tdx(build(specs)).state).toBe('FLAKY');
  // The same rerun after midnight UTC is the next night: that night passed, the one before failed.
  const nextNight = build([specs[0]!, { ...specs[1]!, startedAt: '2024-07-02T00:30:00.000Z' }]);
  expect(tdx(nextNight).history.strip).toEqual(['FAIL', 'PASS']);
});

test('a test planned tonight that never finished is not run tonight, whatever last night says', () => {
  const report = build([
    ...nights([[ALLOW, 'passed'], [DENY, 'passed']]),
    { platform: 'tdx', runner: 'tdx-01', startedAt: '2024-07-02T01:00:00.000Z', status: 'interrupted', planned: [ALLOW, DENY], tests: [[ALLOW, 'passed']] },
  ]);
  const cell = tdx(report);
  expect(cell.state).toBe('NOT-RUN');
  expect(cell.summary).toBe('1 of 2 test(s) passed; not run: attestation/resource-withheld-deny-all');
  expect(cell.history.strip).toEqual(['PASS', 'NOT-RUN']);
});

test('a failure streak passes over nights that did not run or failed on infrastructure; a pass ends it', () => {
  const pass: TestSpec[] = [[ALLOW, 'passed'], [DENY, 'passed']];
  const fail: TestSpec[] = [[ALLOW, 'failed'], [DENY, 'passed']];
  const infra: TestSpec[] = [[ALLOW, 'infra-error'], [DENY, 'infra-error']];
  const specs = nights(pass, fail, fail, infra, fail);
  // The 2024-07-06 record is on another runner's cell of SNP: TDX did not run that night.
  specs.push({ platform: 'snp', runner: 'snp-01', startedAt: '2024-07-06T01:00:00.000Z', tests: pass });
  const history = tdx(build(specs)).history;
  expect(history.strip).toEqual(['PASS', 'FAIL', 'FAIL', 'INFRA', 'FAIL', 'NOT-RUN']);
  expect(history.failureStreak).toEqual({ firstNight: '2024-07-02', nights: 3 });
  expect(history.lastPassed).toBe('2024-07-01');
  expect(history.alert).toBe('attestation × tdx: FAIL 3 nights in a row, since 2024-07-02 (last passed 2024-07-01)');
  // PASS → FAIL flips once among the four nights that ran.
  expect(history.flakinessPercent).toBe(25);
});

test('the window and the alert threshold are options: 2 nights shown, an alert after 2 failing nights', () => {
  const pass: TestSpec[] = [[ALLOW, 'passed'], [DENY, 'passed']];
  const fail: TestSpec[] = [[ALLOW, 'failed'], [DENY, 'passed']];
  const report = build(nights(pass, pass, fail, fail), { nights: 2, alertAfter: 2 });
  expect(report.history).toMatchObject({ window: 2, alertAfter: 2, nights: ['2024-07-03', '2024-07-04'], totalNights: 4 });
  expect(tdx(report).history.strip).toEqual(['FAIL', 'FAIL']);
  // Last passed reaches past the window.
  expect(tdx(report).history.lastPassed).toBe('2024-07-02');
  expect(report.history.alerts).toEqual(['attestation × tdx: FAIL 2 nights in a row, since 2024-07-03 (last passed 2024-07-02)']);
  expect(build(nights(pass, fail, fail)).history.alerts).toEqual([]);
  expect(() => build(nights(pass), { nights: 0 })).toThrow('history nights must be a whole number ≥ 1, got 0');
});

test('a record whose start is not a date is named and skipped; records of another release make one warning', () => {
  const bad = { ...record(nights([[ALLOW, 'passed']])[0]!), startedAt: 'yesterday' };
  const others = [1, 2, 3].map((n) => ({ ...record({ platform: 'tdx', runner: `tdx-0${n}`, tests: [[ALLOW, 'passed']] }), release: 'v0.8.0' }));
  const report = buildCompatibilityReport({ records: [bad, ...others], profile: PROFILE, generatedAt: 'fixed' });
  expect(report.records).toBe(0);
  expect(report.warnings).toEqual([
    '3 records are for v0.8.0, not v9.9.9 (e.g. run-tdx-01-2024-07-20 (tdx-01, v9.9.9/tdx/kubeadm-1.30/containerd/nydus)): left out',
    'record run-tdx-01-2024-07-01: startedAt "yesterday" is not a date, so its night is unknown; skipped',
  ]);
});

test("a test's own strip grades each night by what it did and what it was expected to do that night, as the night alone grades", () => {
  // Every outcome under every expectation, a night each: a test's nights are graded once per pair, and the pair must
  // include the expectation (an expected failure holds a supported claim only when the failure was expected).
  const combinations = OUTCOMES.flatMap((outcome) => (['pass', 'fail', 'skip'] as const).map((expect) => ({ outcome, expect })));
  const specs = nights(...combinations.map(({ outcome, expect }): TestSpec[] => [[ALLOW, outcome, { expected: { expect, claim: 'supported', reason: 'r' } }]]));
  const report = build(specs, { nights: combinations.length });
  const claim = PROFILE.claims.attestation!.tdx;
  const alone = combinations.map(({ outcome, expect }) =>
    gradeNight(claim, true, [{ id: ALLOW, outcome, runKey: 'k', runner: 'tdx-01', expected: { expect } }]).weather);
  expect(new Set(alone).size).toBeGreaterThan(2);
  expect(tdx(report).history.tests.find((t) => t.testId === ALLOW)!.strip).toEqual(alone);
});
