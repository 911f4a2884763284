import { test, expect } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildCompatibilityReport, renderHtml } from '../../reporters/index.ts';
import { SAMPLE_BASELINE, SAMPLE_PROFILE, SAMPLE_RECORDS } from './sample-night.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;

test.beforeAll(async () => {
  // Never a silent skip: the report's rendering is part of what this harness promises.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

test.afterAll(async () => {
  await browser?.close();
});

test('the HTML report renders the grid offline in real Chromium, and a grid cell drills down to its tests', async ({}, info) => {
  const report = buildCompatibilityReport({ records: SAMPLE_RECORDS, profile: SAMPLE_PROFILE, baseline: SAMPLE_BASELINE, generatedAt: '2024-07-20T06:00:00.000Z' });
  const file = info.outputPath('report.html');
  writeFileSync(file, renderHtml(report));

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href);

  await expect(page.locator('#verdict')).toHaveText('FAIL');
  const grid = page.locator('#grid');
  await expect(grid.locator('thead th')).toHaveText(['Feature', 'TDX', 'SEV-SNP', 'SEV', 'control']);
  const cellAt = (feature: string, platform: string) => grid.locator(`a.state[data-feature="${feature}"][data-platform="${platform}"]`);
  const states: [string, string, string][] = [
    ['attestation', 'tdx', 'PASS'], ['authenticated-registries', 'tdx', 'FAIL'], ['encrypted-images', 'tdx', 'FLAKY'],
    ['attestation', 'sev', 'KNOWN-LIMITATION'], ['encrypted-images', 'sev', 'LIMITATION-PASSED'], ['sealed-secrets', 'tdx', 'NOT-RUN'],
    ['attestation', 'snp', 'INFRA-FAIL'], ['tee-evidence', 'control', 'N/A'],
  ];
  for (const [feature, platform, state] of states) await expect(cellAt(feature, platform)).toHaveText(state);
  // States are coloured by the inline stylesheet (no external CSS): a FAIL cell is red-ish, a PASS green-ish.
  const background = (feature: string, platform: string) => cellAt(feature, platform).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await background('authenticated-registries', 'tdx')).toBe('rgb(255, 215, 213)');
  expect(await background('attestation', 'tdx')).toBe('rgb(218, 251, 225)');

  const panel = page.locator('#cell-authenticated-registries-tdx');
  await expect(panel).toBeHidden();
  await cellAt('authenticated-registries', 'tdx').click();
  await expect(panel).toBeVisible();
  await expect(cellAt('authenticated-registries', 'tdx')).toHaveAttribute('aria-expanded', 'true');
  await expect(panel.locator('tr[data-test]')).toHaveCount(3);
  const failing = panel.locator('tr[data-test="authenticated-registry/wrong-credentials-fail"]');
  await expect(failing).toHaveAttribute('data-outcome', 'failed');
  await expect(failing).toContainText('tdx-01');
  await expect(failing).toContainText('v9.9.9/tdx/kubeadm-1.30/containerd/nydus');
  await expect(failing).toContainText('1.5 s');
  await failing.locator('summary', { hasText: 'error' }).click();
  await expect(failing.locator('pre')).toContainText('authenticated-registry/wrong-credentials-fail failed');
  await panel.locator('details.env summary').click();
  await expect(panel.locator('dl.env')).toContainText('Intel(R) Xeon(R) Platinum 8580');
  await page.screenshot({ path: info.outputPath('html-report-drilldown.png'), fullPage: true });

  // Another cell: the first panel closes, the new one shows its artifacts.
  await cellAt('attestation', 'tdx').click();
  await expect(panel).toBeHidden();
  await expect(page.locator('#cell-attestation-tdx')).toContainText('artifacts/tdx/attestation/kbs.log');

  await expect(page.locator('#non-discriminating')).toContainText('guest-pull/init-container-shared-volume');
  await expect(page.locator('body')).toContainText('kbs: trustee admin API double');
  await expect(page.locator('body')).toContainText('This release has been tested on the following stacks:');
  expect(errors).toEqual([]);
  expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
  await page.close();
});

test('the grid drills down without JavaScript too (CSS :target)', async ({}, info) => {
  const report = buildCompatibilityReport({ records: SAMPLE_RECORDS, profile: SAMPLE_PROFILE, generatedAt: 'fixed' });
  const file = info.outputPath('report.html');
  writeFileSync(file, renderHtml(report));
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.locator('a.state[data-feature="encrypted-images"][data-platform="sev"]').click();
  const panel = page.locator('#cell-encrypted-images-sev');
  await expect(panel).toBeVisible();
  await expect(panel.locator('tr[data-outcome="unexpected-pass"]')).toContainText('encrypted-image/right-key-runs');
  await context.close();
});
