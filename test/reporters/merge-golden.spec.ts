import { test, expect } from '@playwright/test';
import { buildCompatibilityReport, renderJson, renderMarkdown, renderJunit, type CompatibilityReport, type GridState } from '../../reporters/index.ts';
import { SAMPLE_BASELINE, SAMPLE_NIGHTS, SAMPLE_PROFILE } from './sample-night.ts';
import { expectGolden } from './golden.ts';

const GENERATED_AT = '2024-07-20T06:00:00.000Z';
const build = (records = SAMPLE_NIGHTS) =>
  buildCompatibilityReport({ records, profile: SAMPLE_PROFILE, baseline: SAMPLE_BASELINE, generatedAt: GENERATED_AT });

function state(report: CompatibilityReport, feature: string, platform: string): GridState {
  const cell = report.grid.flat().find((c) => c.feature === feature && c.platform === platform);
  if (!cell) throw new Error(`no grid cell ${feature} × ${platform}`);
  return cell.state;
}

test('a night of many runners merges into the expected grid, every state present', () => {
  const report = build();
  expect(report.platforms.map((p) => p.id)).toEqual(['tdx', 'snp', 'sev', 'control']);
  const expected: [string, string, GridState][] = [
    ['attestation', 'tdx', 'PASS'],
    ['encrypted-images', 'tdx', 'FLAKY'], // failed, then passed in a rerun of the same cell
    ['authenticated-registries', 'tdx', 'FAIL'],
    ['sealed-secrets', 'tdx', 'NOT-RUN'],
    ['signed-images', 'tdx', 'KNOWN-LIMITATION'],
    ['attestation', 'sev', 'KNOWN-LIMITATION'],
    ['encrypted-images', 'sev', 'LIMITATION-PASSED'],
    ['attestation', 'snp', 'INFRA-FAIL'],
    ['attestation', 'control', 'KNOWN-LIMITATION'],
    ['tee-evidence', 'control', 'N/A'],
    ['sealed-secrets', 'snp', 'N/A'],
  ];
  for (const [feature, platform, want] of expected) expect(`${feature} × ${platform}: ${state(report, feature, platform)}`).toBe(`${feature} × ${platform}: ${want}`);
});

test('the rerun is folded into the first run of its night: attempts kept, newest status wins, reruns not double counted', () => {
  const report = build();
  const cell = report.grid.flat().find((c) => c.feature === 'encrypted-images' && c.platform === 'tdx')!;
  const rightKey = cell.tests.find((t) => t.id === 'encrypted-image/right-key-runs')!;
  expect(rightKey.outcome).toBe('flaky');
  expect(rightKey.history).toEqual(['failed', 'passed']);
  expect(rightKey.runIds).toEqual(['run-tdx-01-2024-07-20', 'run-tdx-01-rerun']);
  expect(rightKey.error).toContain('right-key-runs failed');
  const tdxRun = report.runs.find((r) => r.runner === 'tdx-01')!;
  expect(tdxRun.runIds).toHaveLength(2);
  expect(report.totals.flaky).toBe(2);
  expect(Object.values(report.totals).reduce((a, b) => a + b, 0)).toBe(29);
});

test('each cell carries its nights: the weather strip, last pass, failure streak, flakiness and the alert', () => {
  const report = build();
  expect(report.history).toMatchObject({ window: 10, alertAfter: 3, nights: ['2024-07-17', '2024-07-18', '2024-07-19', '2024-07-20'], totalNights: 4 });
  const cell = (feature: string, platform: string) => report.grid.flat().find((c) => c.feature === feature && c.platform === platform)!.history;
  const registries = cell('authenticated-registries', 'tdx');
  expect(registries.strip).toEqual(['PASS', 'FAIL', 'FAIL', 'FAIL']);
  expect(registries.lastPassed).toBe('2024-07-17');
  expect(registries.failureStreak).toEqual({ firstNight: '2024-07-18', nights: 3 });
  expect(report.history.alerts).toEqual(['authenticated-registries × tdx: FAIL 3 nights in a row, since 2024-07-18 (last passed 2024-07-17)']);
  // Passed, passed, failed (a flip), flaky: two unsettled nights of four.
  const encrypted = cell('encrypted-images', 'tdx');
  expect(encrypted.strip).toEqual(['PASS', 'PASS', 'FAIL', 'FLAKY']);
  expect(encrypted.failureStreak).toBeUndefined();
  expect(encrypted.lastPassed).toBe('2024-07-20');
  expect(encrypted.flakinessPercent).toBe(50);
  expect(encrypted.tests.find((t) => t.testId === 'encrypted-image/right-key-runs')).toMatchObject({ strip: ['PASS', 'PASS', 'FAIL', 'FLAKY'], failedNights: 1 });
  // SEV ran on the 20th only; the nights it did not run are NOT-RUN, and nothing ran in the window on tee-evidence × snp.
  expect(cell('attestation', 'sev').strip).toEqual(['NOT-RUN', 'NOT-RUN', 'NOT-RUN', 'PASS']);
  expect(cell('tee-evidence', 'snp').flakinessPercent).toBeUndefined();
  const md = renderMarkdown(report);
  expect(md).toContain('## Alerts: failing 3 or more nights in a row\n\n- 🚨 authenticated-registries × tdx: FAIL 3 nights in a row, since 2024-07-18 (last passed 2024-07-17)');
  expect(md).toContain('| authenticated-registries × tdx | 🟩🟥🟥🟥 | 2024-07-17 | 3 night(s) since 2024-07-18 🚨 | 25% |');
});

test('a cell not required for sign-off is reported in the grid, and the sign-off only notes it', () => {
  const report = build();
  expect(state(report, 'encrypted-images', 'sev')).toBe('LIMITATION-PASSED');
  expect(state(report, 'sealed-secrets', 'sev')).toBe('FAIL');
  const sev = report.grid.flat().find((c) => c.feature === 'sealed-secrets' && c.platform === 'sev')!;
  expect(sev.notRequired).toEqual({ runs: ['sev-01 — v9.9.9/sev/kubeadm-1.30/containerd/nydus'] });
  expect(report.signoff.reasons.filter((r) => r.includes('× sev'))).toEqual([]);
  expect(report.signoff.notes).toContain('not judged: sealed-secrets × sev ran only on cells not required for sign-off (sev-01 — v9.9.9/sev/kubeadm-1.30/containerd/nydus): FAIL: failed, but not where and how the expected failure must: sealed-secret/unsealed-with-resource');
  expect(report.signoff.verdict).toBe('FAIL'); // TDX still fails on its own
});

test('the report names non-discriminating tests, doubles per cell, the baseline diff and the tested stacks', () => {
  const report = build();
  expect(report.nonDiscriminating).toEqual([
    { testId: 'guest-pull/init-container-shared-volume', feature: 'guest-pull', platforms: ['control'], reason: 'an init container with a shared emptyDir runs on any runtime' },
  ]);
  expect(report.doubles.map((d) => d.runner)).toEqual(['ci-local']);
  expect(report.diff!.newlyBroken.map((e) => e.testId)).toEqual(['authenticated-registry/wrong-credentials-fail']);
  expect(report.diff!.newlyPassing.map((e) => e.testId)).toEqual(['encrypted-image/right-key-runs']);
  expect(report.diff!.noLongerCovered.map((e) => e.testId)).toEqual(['sealed-secret/unsealed-with-resource']);
  // An infra-failed cell tested nothing on its stack, so SNP is not listed.
  expect(report.testedStacks.map((g) => g.platform)).toEqual(['tdx', 'sev', 'control']);
  const md = renderMarkdown(report);
  expect(md).toContain('This release has been tested on the following stacks:\n\n### Intel TDX\n\n* Processor: Intel(R) Xeon(R) Platinum 8580');
  expect(md).toContain('* k8s: v1.24.0 (Kubeadm)');
});

test('the result does not depend on the order records are given in', () => {
  const a = renderJson(build());
  const b = renderJson(build([...SAMPLE_NIGHTS].reverse()));
  expect(b).toBe(a);
});

test('golden: Markdown report', () => {
  expectGolden('sample-report.md', renderMarkdown(build()));
});

test('golden: JSON report', () => {
  expectGolden('sample-report.json', renderJson(build()));
});

test('JUnit: failures, infra errors and skips are counted; flaky keeps its history', () => {
  const xml = renderJunit(build());
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="coco-conformance v9.9.9" tests="29" failures="3" errors="4" skipped="1">/);
  expect(xml).toContain('<property name="history" value="failed -&gt; passed"/>');
  expect(xml).toContain('<property name="test-double" value="kbs: trustee admin API double (EdDSA JWT verified as trustee does)"/>');
  expect((xml.match(/<testsuite /g) ?? []).length).toBe(4);
});
