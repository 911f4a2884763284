import { test, expect } from '@playwright/test';
import { buildCompatibilityReport, type Verdict } from '../../reporters/index.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';
import { profile, record, type RecordSpec } from './sample-records.ts';

/** Two supported claims (attestation on tdx and snp), a limitation on sev, the control platform claiming nothing. */
const PROFILE = profile({
  attestation: { tdx: 'supported', snp: 'supported', sev: 'limitation', control: 'unsupported' },
});

const ALLOW = 'attestation/resource-released-allow-all';
const DENY = 'attestation/resource-withheld-deny-all';
const tdxPass: RecordSpec = { platform: 'tdx', runner: 'tdx-01', tests: [[ALLOW, 'passed'], [DENY, 'passed']] };
const snpPass: RecordSpec = { platform: 'snp', runner: 'snp-01', tests: [[ALLOW, 'passed'], [DENY, 'passed']] };

interface Row {
  name: string;
  records: RecordSpec[];
  platforms?: PlatformId[];
  verdict: Verdict;
  exitCode: 0 | 1 | 3;
  /** Each must appear in one reason line (or note line, prefixed "note: "). */
  lines: string[];
}

const TABLE: Row[] = [
  { name: 'every supported claim passed', records: [tdxPass, snpPass], verdict: 'PASS', exitCode: 0, lines: [] },
  { name: 'a supported claim with no record is NOT-RUN', records: [tdxPass], verdict: 'INCONCLUSIVE', exitCode: 3,
    lines: ['NOT-RUN attestation × snp: the release claims supported, but no runner reported a result'] },
  { name: 'no records at all', records: [], verdict: 'INCONCLUSIVE', exitCode: 3, lines: ['NOT-RUN attestation × tdx', 'NOT-RUN attestation × snp'] },
  { name: 'an infra failure on a required cell', records: [tdxPass, { platform: 'snp', runner: 'snp-01', status: 'infra-error', tests: [[ALLOW, 'infra-error'], [DENY, 'infra-error']] }],
    verdict: 'INCONCLUSIVE', exitCode: 3, lines: ['INFRA-FAIL attestation × snp: infrastructure failed before the tests ran on snp-01'] },
  { name: 'an infra failure on one runner, a pass on another', records: [tdxPass, snpPass, { platform: 'snp', runner: 'snp-02', status: 'infra-error', tests: [[ALLOW, 'infra-error'], [DENY, 'infra-error']] }],
    verdict: 'PASS', exitCode: 0, lines: [] },
  { name: 'an unexpected failure', records: [tdxPass, { ...snpPass, tests: [[ALLOW, 'passed'], [DENY, 'failed']] }], verdict: 'FAIL', exitCode: 1,
    lines: ['FAIL attestation × snp: failed unexpectedly: attestation/resource-withheld-deny-all'] },
  { name: 'a failure and a gap: FAIL wins, both listed', records: [{ ...tdxPass, tests: [[ALLOW, 'failed'], [DENY, 'passed']] }], verdict: 'FAIL', exitCode: 1,
    lines: ['FAIL attestation × tdx', 'NOT-RUN attestation × snp'] },
  { name: 'failed on one runner, passed on another: still a failure', records: [tdxPass, snpPass, { platform: 'snp', runner: 'snp-02', tests: [[ALLOW, 'failed'], [DENY, 'passed']] }],
    verdict: 'FAIL', exitCode: 1, lines: ['FAIL attestation × snp'] },
  { name: 'failed, then passed in a rerun of the same cell: FLAKY passes with a note', records: [tdxPass,
    { ...snpPass, runId: 'first', startedAt: '2024-07-20T01:00:00.000Z', tests: [[ALLOW, 'failed'], [DENY, 'passed']] },
    { ...snpPass, runId: 'rerun', startedAt: '2024-07-20T03:00:00.000Z', tests: [[ALLOW, 'passed']] }],
    verdict: 'PASS', exitCode: 0, lines: ['note: FLAKY attestation × snp: passed on snp-01, but flaky: attestation/resource-released-allow-all'] },
  { name: 'a retried (flaky) test passes with a note', records: [tdxPass, { ...snpPass, tests: [[ALLOW, 'flaky'], [DENY, 'passed']] }],
    verdict: 'PASS', exitCode: 0, lines: ['note: FLAKY attestation × snp'] },
  { name: 'a limitation that passed blocks: the release notes may be out of date', records: [tdxPass, snpPass, { platform: 'sev', runner: 'sev-01', tests: [[ALLOW, 'unexpected-pass'], [DENY, 'passed']] }],
    verdict: 'FAIL', exitCode: 1, lines: ['LIMITATION-PASSED attestation × sev: limitation test passed: attestation/resource-released-allow-all; the release notes may be out of date'] },
  { name: 'a limitation that holds is fine', records: [tdxPass, snpPass, { platform: 'sev', runner: 'sev-01', tests: [[ALLOW, 'expected-failure'], [DENY, 'passed']] }],
    verdict: 'PASS', exitCode: 0, lines: [] },
  { name: 'a positive test passing on control, named in scope, fails: it cannot tell runc from a TEE', records: [tdxPass, snpPass, { platform: 'control', runner: 'ci', tests: [[ALLOW, 'unexpected-pass']] }],
    platforms: ['tdx', 'snp', 'control'], verdict: 'FAIL', exitCode: 1, lines: ['FAIL attestation × control: passed where the release claims unsupported'] },
  { name: 'control counts only when named: by default its failure is a note', records: [tdxPass, snpPass, { platform: 'control', runner: 'ci', tests: [[ALLOW, 'unexpected-pass']] }],
    verdict: 'PASS', exitCode: 0, lines: ['note: not in sign-off scope, not judged: FAIL attestation × control: passed where the release claims unsupported'] },
  { name: 'a TDX-only sign-off over a SEV failure and an SNP failure: TDX decides, both are notes', records: [tdxPass, { ...snpPass, tests: [[ALLOW, 'failed'], [DENY, 'passed']] }, { platform: 'sev', runner: 'sev-01', tests: [[ALLOW, 'unexpected-pass'], [DENY, 'passed']] }],
    platforms: ['tdx'], verdict: 'PASS', exitCode: 0,
    lines: ['note: not in sign-off scope, not judged: FAIL attestation × snp', 'note: not in sign-off scope, not judged: LIMITATION-PASSED attestation × sev'] },
  { name: 'the same records over every platform: FAIL', records: [tdxPass, { ...snpPass, tests: [[ALLOW, 'failed'], [DENY, 'passed']] }, { platform: 'sev', runner: 'sev-01', tests: [[ALLOW, 'unexpected-pass'], [DENY, 'passed']] }],
    verdict: 'FAIL', exitCode: 1, lines: ['FAIL attestation × snp', 'LIMITATION-PASSED attestation × sev'] },
  { name: 'only part of a supported feature ran (one test skipped)', records: [{ ...tdxPass, tests: [[ALLOW, 'passed'], [DENY, 'skipped']] }, snpPass],
    verdict: 'INCONCLUSIVE', exitCode: 3, lines: ['NOT-RUN attestation × tdx: 1 of 2 test(s) passed; not run: attestation/resource-withheld-deny-all'] },
  { name: 'an interrupted run that finished one planned test of two', records: [tdxPass, { ...snpPass, status: 'interrupted', planned: [ALLOW, DENY], tests: [[ALLOW, 'passed']] }],
    verdict: 'INCONCLUSIVE', exitCode: 3, lines: ['NOT-RUN attestation × snp: 1 of 2 test(s) passed; not run: attestation/resource-withheld-deny-all'] },
  { name: 'an interrupted run whose missing test finished in a rerun', records: [tdxPass,
    { ...snpPass, runId: 'cut', startedAt: '2024-07-20T01:00:00.000Z', status: 'interrupted', planned: [ALLOW, DENY], tests: [[ALLOW, 'passed']] },
    { ...snpPass, runId: 'rerun', startedAt: '2024-07-20T03:00:00.000Z', tests: [[ALLOW, 'passed'], [DENY, 'passed']] }],
    verdict: 'PASS', exitCode: 0, lines: [] },
  { name: 'an interrupted run that finished nothing', records: [tdxPass, { ...snpPass, status: 'interrupted', planned: [ALLOW, DENY], tests: [] }],
    verdict: 'INCONCLUSIVE', exitCode: 3, lines: ['NOT-RUN attestation × snp: the release claims supported, but no runner reported a result; planned but never finished: attestation/resource-released-allow-all, attestation/resource-withheld-deny-all'] },
  { name: 'a failure on a cell not required for sign-off is a note, not a FAIL', records: [tdxPass, snpPass, { platform: 'snp', runner: 'snp-02', required: false, tests: [[ALLOW, 'failed'], [DENY, 'passed']] }],
    verdict: 'PASS', exitCode: 0, lines: ['note: not judged: FAIL attestation × snp comes from cells not required for sign-off (snp-02 — v9.9.9/snp/kubeadm-1.30/containerd/nydus): failed unexpectedly: attestation/resource-released-allow-all; the required cells alone are PASS'] },
  { name: 'an infra failure on the only, not-required, cell of a supported claim is a note, not INCONCLUSIVE', records: [tdxPass, { platform: 'snp', runner: 'snp-02', required: false, status: 'infra-error', tests: [[ALLOW, 'infra-error'], [DENY, 'infra-error']] }],
    verdict: 'PASS', exitCode: 0, lines: ['note: not judged: attestation × snp ran only on cells not required for sign-off (snp-02 — v9.9.9/snp/kubeadm-1.30/containerd/nydus): INFRA-FAIL'] },
  { name: 'a supported claim passed only on a not-required cell: noted as not judged', records: [tdxPass, { ...snpPass, required: false }],
    verdict: 'PASS', exitCode: 0, lines: ['note: not judged: attestation × snp ran only on cells not required for sign-off (snp-01 — v9.9.9/snp/kubeadm-1.30/containerd/nydus): PASS'] },
  { name: 'a limitation that passed on a not-required cell is a note', records: [tdxPass, snpPass, { platform: 'sev', runner: 'sev-01', required: false, tests: [[ALLOW, 'unexpected-pass'], [DENY, 'passed']] }],
    verdict: 'PASS', exitCode: 0, lines: ['note: not judged: attestation × sev ran only on cells not required for sign-off (sev-01 — v9.9.9/sev/kubeadm-1.30/containerd/nydus): LIMITATION-PASSED'] },
  { name: 'a required cell still fails beside a not-required one that passed', records: [tdxPass, { ...snpPass, tests: [[ALLOW, 'failed'], [DENY, 'passed']] }, { ...snpPass, runner: 'snp-02', required: false }],
    verdict: 'FAIL', exitCode: 1, lines: ['FAIL attestation × snp: failed unexpectedly: attestation/resource-released-allow-all'] },
  { name: 'only not-required cells (a developer\'s own runs): nothing to sign off', records: [{ ...tdxPass, required: false }, { ...snpPass, required: false }],
    verdict: 'INCONCLUSIVE', exitCode: 3, lines: ['nothing to sign off'] },
  { name: 'scope narrowed to tdx: snp not run is out of scope', records: [tdxPass], platforms: ['tdx'], verdict: 'PASS', exitCode: 0,
    lines: ['note: not in sign-off scope: snp'] },
  { name: 'scope with no supported claim: nothing to sign off', records: [], platforms: ['control'], verdict: 'INCONCLUSIVE', exitCode: 3,
    lines: ['nothing to sign off: no supported claim on a shipped platform in scope'] },
];

for (const row of TABLE) {
  test(`sign-off: ${row.name} → ${row.verdict}`, () => {
    const report = buildCompatibilityReport({ records: row.records.map(record), profile: PROFILE, signoffPlatforms: row.platforms, generatedAt: 'fixed' });
    const { verdict, exitCode, reasons, notes } = report.signoff;
    const lines = [...reasons, ...notes.map((n) => `note: ${n}`)];
    expect({ verdict, exitCode }).toEqual({ verdict: row.verdict, exitCode: row.exitCode });
    for (const wanted of row.lines) expect(lines.some((l) => l.startsWith(wanted)), `"${wanted}" in:\n${lines.join('\n')}`).toBe(true);
    if (row.verdict === 'PASS') expect(reasons).toEqual([]);
    else expect(reasons.length).toBeGreaterThan(0);
  });
}

test('records for a platform the release does not define: a warning, shown, never a required platform', () => {
  const foreign = { platform: 'nvidia-gpu-tdx' as PlatformId, runner: 'gpu-01', tests: [[ALLOW, 'failed']] } satisfies RecordSpec;
  const report = buildCompatibilityReport({ records: [tdxPass, snpPass, foreign].map(record), profile: PROFILE, generatedAt: 'fixed' });
  expect(report.warnings).toContain('records for platform nvidia-gpu-tdx, which v9.9.9 does not define: shown in the grid, never required by the sign-off');
  expect(report.signoff.scope).toEqual(['tdx', 'snp', 'sev']);
  expect(report.signoff.verdict).toBe('PASS');
});
