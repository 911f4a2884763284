import { test, expect } from '@playwright/test';
import { buildCompatibilityReport, type CompatibilityReport, type GridCell } from '../../reporters/index.ts';
import type { Feature, PlatformId } from '../../matrix/vocabulary.ts';
import type { TestRecord } from '../../reporters/result-record.ts';
import { profile, record, type RecordSpec, type TestSpec } from './sample-records.ts';

/** The grid cell and its history must never tell a release manager two stories: the strip, the streak, the alert,
 *  "last passed" and the test rows are graded night by night exactly as the grid grades the newest night. */

// v0.9.0's shape: sealed secrets are supported on TEEs, but only as environment variables (a covering limitation
// makes the file variant an expected failure that holds the claim). Init-data on SEV has the same shape here.
const PROFILE = profile({
  'sealed-secrets': { tdx: { status: 'supported' } },
  'init-data': { sev: { status: 'supported' } },
  attestation: { tdx: 'supported', 'coco-dev': 'not-applicable' },
}, ['snp']);

const ENV = 'sealed-secret/unsealed-with-resource';
const SEALED = 'sealed-secret/stays-sealed-without-resource';
const AS_FILE = 'sealed-secret/unsealed-as-file';
const FROM_INIT_DATA = 'init-data/kbs-from-init-data';
const WITHOUT_INIT_DATA = 'init-data/no-kbs-without-init-data';
const ALLOW = 'attestation/resource-released-allow-all';

/** What the test-catalog derives for a supported claim that a limitation covers: expected to fail, claim supported. */
const COVERED: Partial<TestRecord> = { expected: { expect: 'fail', claim: 'supported', reason: 'only sealed secrets as environment variables (covering limitation)' } };

function night(i: number): string {
  return `2024-07-${String(i + 1).padStart(2, '0')}T01:00:00.000Z`;
}

function nightsOn(platform: PlatformId, runner: string, ...perNight: TestSpec[][]): RecordSpec[] {
  return perNight.map((tests, i) => ({ platform, runner, startedAt: night(i), tests }));
}

function build(specs: RecordSpec[]): CompatibilityReport {
  return buildCompatibilityReport({ records: specs.map(record), profile: PROFILE, generatedAt: 'fixed' });
}

function cellOf(report: CompatibilityReport, feature: Feature, platform: PlatformId): GridCell {
  return report.grid.flat().find((c) => c.feature === feature && c.platform === platform)!;
}

test('a supported claim held by its covering limitation is PASS in the grid and in every square of its strip', () => {
  const held: TestSpec[] = [[ENV, 'passed'], [SEALED, 'passed'], [AS_FILE, 'expected-failure', COVERED]];
  const report = build(nightsOn('tdx', 'tdx-01', held, held, held));
  const cell = cellOf(report, 'sealed-secrets', 'tdx');
  expect(cell.state).toBe('PASS');
  expect(cell.history.strip).toEqual(['PASS', 'PASS', 'PASS']);
  expect(cell.history.lastPassed).toBe('2024-07-03');
  expect(cell.history.failureStreak).toBeUndefined();
  expect(cell.history.tests.map((t) => t.strip)).toEqual([['PASS', 'PASS', 'PASS'], ['PASS', 'PASS', 'PASS'], ['PASS', 'PASS', 'PASS']]);
});

test('failures with held nights between them are no streak: no "FAIL 3 nights in a row" over green nights', () => {
  const fail: TestSpec[] = [[FROM_INIT_DATA, 'failed'], [WITHOUT_INIT_DATA, 'expected-failure', COVERED]];
  const held: TestSpec[] = [[FROM_INIT_DATA, 'passed'], [WITHOUT_INIT_DATA, 'expected-failure', COVERED]];
  const report = build(nightsOn('sev', 'sev-01', fail, held, fail, held, fail));
  const cell = cellOf(report, 'init-data', 'sev');
  expect(cell.state).toBe('FAIL');
  expect(cell.history.strip).toEqual(['FAIL', 'PASS', 'FAIL', 'PASS', 'FAIL']);
  expect(cell.history.failureStreak).toEqual({ firstNight: '2024-07-05', nights: 1 });
  expect(cell.history.lastPassed).toBe('2024-07-04');
  expect(cell.history.alert).toBeUndefined();
  expect(report.history.alerts).toEqual([]);
});

test('a night some tests passed on but the cell was incomplete breaks a failure streak: it had results', () => {
  const fail: TestSpec[] = [[ALLOW, 'failed']];
  const partial: TestSpec[] = [[ALLOW, 'passed'], ['attestation/resource-withheld-deny-all', 'skipped']];
  const report = build(nightsOn('tdx', 'tdx-01', fail, partial, fail, fail));
  const cell = cellOf(report, 'attestation', 'tdx');
  expect(cell.history.strip).toEqual(['FAIL', 'NOT-RUN', 'FAIL', 'FAIL']);
  expect(cell.history.failureStreak).toEqual({ firstNight: '2024-07-03', nights: 2 });
  expect(cell.history.alert).toBeUndefined();
});

test('an unexpected skip of a supported claim is a gap on that night too, never a pass', () => {
  const report = build(nightsOn('tdx', 'tdx-01', [[ALLOW, 'passed']], [[ALLOW, 'skipped']]));
  const cell = cellOf(report, 'attestation', 'tdx');
  expect(cell.state).toBe('NOT-RUN');
  expect(cell.history.strip).toEqual(['PASS', 'NOT-RUN']);
  expect(cell.history.lastPassed).toBe('2024-07-01');
  // A skip the release plans (expected skip) is no gap: the night passes on the tests that had to run.
  const planned: TestSpec = ['attestation/resource-withheld-deny-all', 'skipped', { expected: { expect: 'skip', claim: 'supported', reason: 'not on this runner' } }];
  const plannedReport = build(nightsOn('tdx', 'tdx-01', [[ALLOW, 'passed'], planned], [[ALLOW, 'passed'], planned]));
  expect(cellOf(plannedReport, 'attestation', 'tdx').history.strip).toEqual(['PASS', 'PASS']);
});

test('a supported claim whose covering limitation passes is LIMITATION-PASSED in the grid and FAIL in its strip', () => {
  const gone: TestSpec[] = [[ENV, 'passed'], [SEALED, 'passed'], [AS_FILE, 'unexpected-pass', COVERED]];
  const report = build(nightsOn('tdx', 'tdx-01', gone));
  const cell = cellOf(report, 'sealed-secrets', 'tdx');
  expect(cell.state).toBe('LIMITATION-PASSED');
  expect(cell.summary).toBe(`limitation test passed: ${AS_FILE}; the release notes may be out of date`);
  expect(cell.history.strip).toEqual(['FAIL']);
  expect(report.signoff.verdict).toBe('FAIL');
});

test('an N/A cell never alerts, whatever its tests did: not applicable and not shipped alike', () => {
  const fail: TestSpec[] = [[ALLOW, 'failed']];
  const report = build([...nightsOn('coco-dev', 'dev-01', fail, fail, fail, fail), ...nightsOn('snp', 'snp-01', fail, fail, fail, fail)]);
  for (const platform of ['coco-dev', 'snp'] as const) {
    const cell = cellOf(report, 'attestation', platform);
    expect(cell.state, platform).toBe('N/A');
    expect(cell.history.strip, platform).toEqual(['N/A', 'N/A', 'N/A', 'N/A']);
    expect(cell.history.alert, platform).toBeUndefined();
    expect(cell.history.failureStreak, platform).toBeUndefined();
  }
  expect(cellOf(report, 'attestation', 'coco-dev').summary).toBe('not applicable; 1 test(s) ran anyway: 1 failed (not judged)');
  expect(report.history.alerts).toEqual([]);
});

test('every test row agrees with its cell on a night it alone decides', () => {
  const spec = (outcome: TestSpec[1], extra?: Partial<TestRecord>): TestSpec[] => [[AS_FILE, outcome, extra]];
  const report = build(nightsOn('tdx', 'tdx-01', spec('expected-failure', COVERED), spec('passed'), spec('skipped'), spec('failed'), spec('unexpected-pass', COVERED), spec('flaky'), spec('infra-error')));
  const cell = cellOf(report, 'sealed-secrets', 'tdx');
  expect(cell.history.tests[0]!.strip).toEqual(cell.history.strip);
  expect(cell.history.strip).toEqual(['PASS', 'PASS', 'NOT-RUN', 'FAIL', 'FAIL', 'FLAKY', 'INFRA']);
});

test('on a rerun the newest record\'s claim wins, in the grid and in its night of history, whatever order records come in', () => {
  // The first run of the night expected the deny test skipped; the profile was fixed and the rerun expects it to run.
  const DENY = 'attestation/resource-withheld-deny-all';
  const plannedSkip: Partial<TestRecord> = { expected: { expect: 'skip', claim: 'supported', reason: 'not planned here (old profile)' } };
  const first: RecordSpec = { platform: 'tdx', runner: 'tdx-01', runId: 'first', startedAt: '2024-07-01T01:00:00.000Z', tests: [[ALLOW, 'passed'], [DENY, 'skipped', plannedSkip]] };
  const rerun: RecordSpec = { platform: 'tdx', runner: 'tdx-01', runId: 'rerun', startedAt: '2024-07-01T05:00:00.000Z', tests: [[ALLOW, 'passed'], [DENY, 'skipped']] };
  for (const order of [[first, rerun], [rerun, first]]) {
    const cell = cellOf(build(order), 'attestation', 'tdx');
    expect(cell.tests.find((t) => t.id === DENY)!.expected.expect).toBe('pass');
    expect(cell.state).toBe('NOT-RUN');
    expect(cell.history.strip).toEqual(['NOT-RUN']);
  }
  // And the other way round: the newest claim plans the skip, so the night passes.
  const fixed: RecordSpec = { ...rerun, tests: [[ALLOW, 'passed'], [DENY, 'skipped', plannedSkip]] };
  const cell = cellOf(build([{ ...first, tests: [[ALLOW, 'passed'], [DENY, 'skipped']] }, fixed]), 'attestation', 'tdx');
  expect(cell.state).toBe('PASS');
  expect(cell.history.strip).toEqual(['PASS']);
});
