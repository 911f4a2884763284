import { test, expect } from '@playwright/test';
import { buildCompatibilityReport, renderJson, renderMarkdown, renderJunit, type CompatibilityReport, type GridState } from '../../reporters/index.ts';
import { SAMPLE_BASELINE, SAMPLE_PROFILE, SAMPLE_RECORDS } from './sample-night.ts';
import { expectGolden } from './golden.ts';

const GENERATED_AT = '2024-07-20T06:00:00.000Z';
const build = (records = SAMPLE_RECORDS) =>
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

test('the rerun is folded into the first run: history kept, newest status wins, reruns not double counted', () => {
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
  const b = renderJson(build([...SAMPLE_RECORDS].reverse()));
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
