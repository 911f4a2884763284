import { test, expect } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildCompatibilityReport, buildCompatibilityReportFromFiles, renderHtml } from '../../reporters/index.ts';
import { nightDate, writeSyntheticRecords, type SyntheticAttempt } from '../../scripts/bench/synthetic-records.ts';
import { loadRelease } from '../../matrix/index.ts';
import type { Outcome } from '../../reporters/index.ts';
import { SAMPLE_BASELINE, SAMPLE_NIGHTS, SAMPLE_PROFILE } from './sample-night.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { FIRST_NIGHT, NIGHTS, WATCHED, writeYearOfNights } from './year-of-nights.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
const scratch = scratchDirectory('html-report');

test.beforeAll(async () => {
  // Never a silent skip: the report's rendering is part of what this harness promises.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

test.afterAll(async () => {
  await browser?.close();
});

test('the HTML report renders the grid offline in real Chromium, and a grid cell drills down to its history and tests', async ({}, info) => {
  const report = buildCompatibilityReport({ records: SAMPLE_NIGHTS, profile: SAMPLE_PROFILE, baseline: SAMPLE_BASELINE, generatedAt: '2024-07-20T06:00:00.000Z' });
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

  // SEV ran only on a cell not required for sign-off: its states are shown, marked as not judged.
  await expect(cellAt('encrypted-images', 'sev')).toHaveAttribute('data-not-judged', 'true');
  await expect(cellAt('attestation', 'tdx')).not.toHaveAttribute('data-not-judged');
  // The grid cell carries its last nights as small squares; the alert is listed above the grid.
  await expect(cellAt('authenticated-registries', 'tdx').locator('.mini i')).toHaveCount(4);
  await expect(page.locator('#alerts')).toHaveText('authenticated-registries × tdx: FAIL 3 nights in a row, since 2024-07-18 (last passed 2024-07-17)');

  const panel = page.locator('#cell-authenticated-registries-tdx');
  await expect(panel).toBeHidden();
  // The test rows are not in the page until the cell is opened: they are drawn from the cell's JSON on demand.
  await expect(panel.locator('tr[data-test]')).toHaveCount(0);
  await cellAt('authenticated-registries', 'tdx').click();
  await expect(panel).toBeVisible();
  await expect(cellAt('authenticated-registries', 'tdx')).toHaveAttribute('aria-expanded', 'true');
  // The weather strip: one column a night, oldest left, with the streak and the last pass beside it.
  const strip = panel.locator('ol.weather').first().locator('li');
  await expect(strip).toHaveCount(4);
  expect(await strip.evaluateAll((items) => items.map((li) => `${li.getAttribute('data-night')} ${li.getAttribute('data-weather')}`)))
    .toEqual(['2024-07-17 PASS', '2024-07-18 FAIL', '2024-07-19 FAIL', '2024-07-20 FAIL']);
  expect(await strip.last().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(207, 34, 46)');
  await expect(panel.locator('.streak')).toHaveText('3 night(s)');
  await expect(panel.locator('.streak-first')).toHaveText('2024-07-18');
  await expect(panel.locator('.last-passed')).toHaveText('2024-07-17');
  await expect(panel.locator('p.alert')).toContainText('FAIL 3 nights in a row');
  await expect(panel.locator('tr[data-test]')).toHaveCount(3);
  const failing = panel.locator('tr[data-test="authenticated-registry/wrong-credentials-fail"]');
  await expect(failing).toHaveAttribute('data-outcome', 'failed');
  await expect(failing).toContainText('tdx-01');
  await expect(failing).toContainText('v9.9.9/tdx/kubeadm-1.30/containerd/nydus');
  await expect(failing).toContainText('1.5 s');
  await expect(failing.locator('ol.weather li')).toHaveCount(4);
  await expect(failing.locator('ol.weather li[data-weather="FAIL"]')).toHaveCount(3);
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

test('without JavaScript a grid cell still opens (CSS :target) to its state, summary and history', async ({}, info) => {
  const report = buildCompatibilityReport({ records: SAMPLE_NIGHTS, profile: SAMPLE_PROFILE, generatedAt: 'fixed' });
  const file = info.outputPath('report.html');
  writeFileSync(file, renderHtml(report));
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.locator('a.state[data-feature="encrypted-images"][data-platform="tdx"]').click();
  const panel = page.locator('#cell-encrypted-images-tdx');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText('passed on tdx-01, but flaky: encrypted-image/right-key-runs');
  expect(await panel.locator('ol.weather li').evaluateAll((items) => items.map((li) => li.getAttribute('data-weather')))).toEqual(['PASS', 'PASS', 'FAIL', 'FLAKY']);
  await expect(panel.locator('.flakiness')).toHaveText('50%');
  // The test rows are drawn by the page's script; without it the panel says where they are.
  await expect(panel).toContainText('The 3 test(s) of this cell are drawn by the page\'s script; report.json holds them too.');
  await context.close();
});

test('a cell opened by its address (bookmark, back button) is drawn too', async ({}, info) => {
  const report = buildCompatibilityReport({ records: SAMPLE_NIGHTS, profile: SAMPLE_PROFILE, generatedAt: 'fixed' });
  const file = info.outputPath('report.html');
  writeFileSync(file, renderHtml(report));
  const page = await browser.newPage();
  await page.goto(`${pathToFileURL(file).href}#cell-encrypted-images-sev`);
  const panel = page.locator('#cell-encrypted-images-sev');
  await expect(panel).toBeVisible();
  await expect(panel.locator('tr[data-outcome="unexpected-pass"]')).toContainText('encrypted-image/right-key-runs');
  await expect(panel.locator('p.not-required')).toContainText('Not required for sign-off: sev-01');
  await page.close();
});

test('a year of nights from 13 runners opens with its grid, and a cell opens to its 10-night strip and its tests', async ({}, info) => {
  test.setTimeout(180_000);
  const results = scratch('year-results');
  const { profile } = writeYearOfNights(results);
  const report = await buildCompatibilityReportFromFiles({ results: [results], profile, generatedAt: 'fixed' });
  const file = info.outputPath('year.html');
  writeFileSync(file, renderHtml(report));
  console.log(`year report: ${report.records} records, ${(statSync(file).size / 1e6).toFixed(2)} MB of HTML`);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  // Nothing of a cell's tests is in the page before the cell is opened.
  await expect(page.locator('tr[data-test]')).toHaveCount(0);
  const cell = page.locator('#grid a.state[data-feature="encrypted-images"][data-platform="tdx"]');
  await expect(cell).toHaveText('FAIL');
  await expect(cell.locator('.mini i')).toHaveCount(10);
  await cell.click();
  const panel = page.locator('#cell-encrypted-images-tdx');
  await expect(panel).toBeVisible();
  const strip = panel.locator('ol.weather').first().locator('li');
  expect(await strip.evaluateAll((items) => items.map((li) => li.getAttribute('data-weather')))).toEqual([...Array(7).fill('PASS'), 'FAIL', 'FAIL', 'FAIL']);
  await expect(strip.first()).toHaveAttribute('data-night', nightDate(FIRST_NIGHT, NIGHTS - 10));
  await expect(panel.locator('.streak-first')).toHaveText(nightDate(FIRST_NIGHT, NIGHTS - 3));
  const failing = panel.locator(`tr[data-test="${WATCHED}"][data-outcome="failed"]`);
  await expect(failing).toContainText('tdx-runner-000');
  await expect(failing.locator('ol.weather li[data-weather="FAIL"]')).toHaveCount(3);
  await page.screenshot({ path: info.outputPath('year-drilldown.png') });
  expect(errors).toEqual([]);
  await page.close();
  rmSync(results, { recursive: true, force: true });
});

/** A fleet's month: the first TDX runner's right-key test fails its last 4 nights (an alert), one SNP runner fails a
 *  negative attestation test on its last night; everything else behaves as v0.9.0 says. */
function fleetNight(at: SyntheticAttempt): Outcome {
  if (at.runner.index === 0 && at.testId === WATCHED && at.night >= FLEET_NIGHTS - 4) return 'failed';
  if (at.runner.index === 1 && at.testId === 'attestation/resource-withheld-deny-all' && at.night === FLEET_NIGHTS - 1) return 'failed';
  return at.natural;
}
const FLEET_NIGHTS = 30;

for (const runners of [10, 60]) {
  test(`${runners} runners × ${FLEET_NIGHTS} nights: the grid comes first and fits the page, every square has a tooltip, each reason links its cell, the filters work`, async ({}, info) => {
    test.setTimeout(180_000);
    const results = scratch(`fleet-${runners}-results`);
    const profile = loadRelease('v0.9.0');
    writeSyntheticRecords(results, { profile, runners, nights: FLEET_NIGHTS, testsPerRecord: 17, firstNight: '2024-06-01', outcome: fleetNight });
    // Every night in the strip (`report --history 30`): the widest the grid gets.
    const report = await buildCompatibilityReportFromFiles({ results: [results], profile, generatedAt: 'fixed', history: { nights: FLEET_NIGHTS } });
    rmSync(results, { recursive: true, force: true });
    const file = info.outputPath('fleet.html');
    writeFileSync(file, renderHtml(report));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(file).href);
    await expect(page.locator('#verdict')).toHaveText('FAIL');

    // The grid first: it starts in the first screen, above the reasons, and no row or the page grows past the window.
    const grid = page.locator('#grid');
    expect((await grid.boundingBox())!.y).toBeLessThan(300);
    expect((await grid.boundingBox())!.y).toBeLessThan((await page.locator('#signoff').boundingBox())!.y);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    const rowHeights = await page.locator('table tr').evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    expect(Math.max(...rowHeights)).toBeLessThan(120);
    await page.screenshot({ path: info.outputPath('grid.png') });
    await info.attach(`grid at ${runners} runners`, { path: info.outputPath('grid.png'), contentType: 'image/png' });

    // Every history square of the grid says its night, weather and runner(s).
    const squares = grid.locator('.mini i');
    await expect(squares).toHaveCount(report.grid.flat().length * FLEET_NIGHTS);
    const titles = await squares.evaluateAll((items) => items.map((i) => i.getAttribute('title') ?? ''));
    for (const title of titles) expect(title).toMatch(/^2024-0[67]-\d\d: (PASS|FAIL|FLAKY|INFRA|NOT-RUN|N\/A) — .+/);
    const watched = grid.locator('a.state[data-feature="encrypted-images"][data-platform="tdx"]');
    await expect(watched.locator('.mini i').last()).toHaveAttribute('title', '2024-06-30: FAIL — tdx-runner-000');

    // Each reason names its runner(s) and first failing night and opens its cell.
    const reasons = page.locator('#reasons li.reason');
    const failing = reasons.filter({ hasText: 'FAIL encrypted-images × tdx' });
    await expect(failing).toContainText('runner(s): tdx-runner-000; failing since 2024-06-27');
    await expect(reasons.filter({ hasText: 'FAIL attestation × snp' })).toContainText('runner(s): snp-runner-001; failing since 2024-06-30');
    await failing.locator('a').click();
    const panel = page.locator('#cell-encrypted-images-tdx');
    await expect(panel).toBeVisible();
    await expect(panel.locator('ol.weather').first().locator('li').last()).toHaveAttribute('title', '2024-06-30: FAIL — tdx-runner-000');
    const rows = panel.locator('tr[data-test]');
    await expect(rows.first().locator('ol.weather li').first()).toHaveAttribute('title', /^2024-06-01: PASS — tdx-runner-0\d\d$/);
    const panelRows = await panel.locator('tr').evaluateAll((list) => list.map((r) => r.getBoundingClientRect().height));
    expect(Math.max(...panelRows)).toBeLessThan(400);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await panel.screenshot({ path: info.outputPath('cell.png') });
    await info.attach(`an opened cell at ${runners} runners`, { path: info.outputPath('cell.png'), contentType: 'image/png' });

    // Filters: by state, then platform, then feature.
    await page.selectOption('#filter-state', 'FAIL');
    const visibleRows = grid.locator('tbody tr:visible');
    expect(await visibleRows.evaluateAll((list) => list.map((r) => r.getAttribute('data-feature')))).toEqual(['attestation', 'encrypted-images']);
    await expect(grid.locator('a.state:not(.filtered-out)')).toHaveCount(2);
    await page.selectOption('#filter-platform', 'tdx');
    await expect(grid.locator('thead th:visible')).toHaveText(['Feature', 'TDX']);
    expect(await visibleRows.evaluateAll((list) => list.map((r) => r.getAttribute('data-feature')))).toEqual(['encrypted-images']);
    await page.selectOption('#filter-state', '');
    await page.selectOption('#filter-feature', 'attestation');
    expect(await visibleRows.evaluateAll((list) => list.map((r) => r.getAttribute('data-feature')))).toEqual(['attestation']);
    await expect(grid.locator('tbody tr:visible a.state:visible')).toHaveText(['PASS']);
    await page.screenshot({ path: info.outputPath('filtered.png') });
    await info.attach(`filtered at ${runners} runners`, { path: info.outputPath('filtered.png'), contentType: 'image/png' });
    expect(errors).toEqual([]);
    await page.close();
  });
}
