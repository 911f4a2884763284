import { test, expect } from '@playwright/test';
import { chromium, type Browser } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLURE_GROUP_BY, writeAllureReport } from '../../harness/pipeline/allure-report.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { scriptedMatrix, startScriptedRun, type ScriptedRun } from './support/scripted-run-process.ts';

/** The Allure report `run` writes: a real Playwright run with allure-playwright, its tests labelled by the suites'
 *  own labelForAllure, turned into an Allure 3 report by the allure package, then opened in Debian's Chromium, which
 *  must show the failed test under its feature, platform, release and runner — the tree's groups, in that order. */
const repo = join(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
const scratch = scratchDirectory('allure-report');

test.beforeAll(async () => {
  // Never a silent skip: the Allure report is part of what `run` promises.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: this test needs Debian's Chromium (apt-get install chromium)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
test.afterAll(async () => {
  await browser?.close();
});

/** Three conformance-like tests of one runner and cell, one failing, written where a run's cell writes them. */
function playwrightRun(out: string): string {
  const source = join(scratch(), 'labelled-run');
  mkdirSync(source, { recursive: true });
  const results = join(out, 'artifacts', 'v0.21.0_tdx', 'allure-results', 'runner-01--v0.21.0_tdx');
  writeFileSync(join(source, 'playwright.config.ts'), `export default ${JSON.stringify({
    testDir: '.', testMatch: 'labelled.spec.ts', outputDir: join(out, 'test-results'), workers: 1,
    reporter: [[join(repo, 'node_modules', 'allure-playwright', 'dist', 'cjs', 'index.js'), { resultsDir: results, globalLabels: [{ name: 'release', value: 'v0.21.0' }] }]],
  })};\n`);
  writeFileSync(join(source, 'labelled.spec.ts'), `
    import { test, expect } from ${JSON.stringify(join(repo, 'node_modules', '@playwright', 'test', 'index.mjs'))};
    import { labelForAllure } from ${JSON.stringify(join(repo, 'fixtures', 'artifacts', 'allure-labels.ts'))};
    const tests = [
      ['attestation', 'attestation/resource-released-allow-all', 'tdx', true],
      ['attestation', 'attestation/resource-withheld-deny-all', 'snp', false],
      ['sealed-secrets', 'sealed-secret/unsealed-with-resource', 'tdx', true],
    ];
    for (const [feature, testId, platform, passes] of tests) {
      test(testId + ' on ' + platform, async () => {
        await labelForAllure({ release: 'v0.21.0', feature, testId, variant: 'positive', platform, runner: 'runner-01',
          cell: 'v0.21.0/' + platform + '/kubeadm-1.35/containerd/nydus', cluster: 'kubeadm-1.35' });
        expect(passes).toBe(true);
      });
    }
  `);
  const run = spawnSync('npx', ['playwright', 'test', '-c', join(source, 'playwright.config.ts')], { cwd: repo, encoding: 'utf8', env: { ...process.env, CI: '' } });
  // One test fails on purpose: exit 1, and the other two passed.
  expect(run.status, run.stdout + run.stderr).toBe(1);
  expect(run.stdout).toContain('2 passed');
  return results;
}

test('run\'s Allure report opens in Chromium with the tests grouped by feature, platform, release and runner', async () => {
  test.setTimeout(180_000);
  const out = join(scratch(), 'out');
  const results = playwrightRun(out);
  const html = await writeAllureReport([results], join(out, 'reports', 'run-1', 'allure'));
  expect(html).toBe(join(out, 'reports', 'run-1', 'allure', 'index.html'));

  const page = await browser.newPage();
  await page.goto(`file://${html}`);
  const failed = page.getByTestId('tree-leaf').filter({ hasText: 'attestation/resource-withheld-deny-all on snp' });
  await failed.waitFor();
  // The groups the failed test sits in, outermost first: each level's tree-content follows its section.
  const groups = await failed.evaluate((leaf) => {
    const titles: string[] = [];
    for (let e = leaf.parentElement; e; e = e.parentElement) {
      if (e.getAttribute('data-testid') !== 'tree-content') continue;
      const section = e.parentElement?.querySelector(':scope > [data-testid="tree-section"]');
      if (section) titles.unshift(section.querySelector('[data-testid="tree-section-title"]')!.textContent ?? '');
    }
    return titles;
  });
  expect(ALLURE_GROUP_BY).toEqual(['feature', 'platform', 'release', 'runner']);
  expect(groups).toEqual(['attestation', 'snp', 'v0.21.0', 'runner-01']);
  const sections = await page.getByTestId('tree-section-title').allTextContents();
  expect(sections).toContain('sealed-secrets');
  await page.close();
});

test('no Allure results in the run\'s folders (a cell stopped before its suites wrote any): no report, and no error', async () => {
  const empty = join(scratch(), 'empty');
  mkdirSync(join(empty, 'allure-results', 'runner--cell--run'), { recursive: true });
  expect(await writeAllureReport([join(empty, 'allure-results', 'runner--cell--run'), join(empty, 'never-written')], join(empty, 'reports', 'allure'))).toBeUndefined();
});

/** Every leaf (test) of an Allure report's tree, as Chromium shows it: each closed group is opened (a group's
 *  tree-content follows its section once open) until none is left. */
async function leavesOf(html: string): Promise<string[]> {
  const page = await browser.newPage();
  try {
    await page.goto(`file://${html}`);
    await page.getByTestId('tree-section').first().waitFor();
    for (let opened = 0; ; opened++) {
      expect(opened, 'groups opened in the Allure tree').toBeLessThan(100);
      const next = await page.evaluate(() => [...document.querySelectorAll('[data-testid="tree-section"]')]
        .findIndex((section) => !section.parentElement?.querySelector(':scope > [data-testid="tree-content"]')));
      if (next < 0) break;
      await page.getByTestId('tree-section').nth(next).click();
    }
    return (await page.getByTestId('tree-leaf').allTextContents()).sort();
  } finally {
    await page.close();
  }
}

function allureReportOf(run: ScriptedRun): string {
  const html = /^Allure report \(.+\): (\S+)$/m.exec(run.output())?.[1];
  expect(html, run.output()).toBeDefined();
  return html!;
}

test('run\'s Allure report holds that run\'s tests only, though --out keeps an earlier run\'s Allure results', async () => {
  test.setTimeout(300_000);
  // A runner that keeps --out night after night: the same cell, first with both features, then with attestation only.
  const first = startScriptedRun(scratch, ['--matrix', scriptedMatrix(scratch, 'control', ['attestation', 'sealed-secrets'])]);
  expect(await first.exited, first.output()).toBe(0);
  const second = startScriptedRun(scratch, ['--matrix', scriptedMatrix(scratch, 'control', ['attestation'])], {}, first.out);
  expect(await second.exited, second.output()).toBe(0);

  const firstLeaves = await leavesOf(allureReportOf(first));
  expect(firstLeaves.filter((t) => t.includes('attestation/')).length).toBe(2);
  expect(firstLeaves.filter((t) => t.includes('sealed-secret/')).length).toBe(2);
  const secondLeaves = await leavesOf(allureReportOf(second));
  expect(secondLeaves.filter((t) => t.includes('attestation/')).length).toBe(2);
  expect(secondLeaves.filter((t) => t.includes('sealed-secret/'))).toEqual([]);
  // Nothing of the first run was removed: its results are still in --out, each run in a folder of its own.
  expect(readdirSync(join(first.out, 'artifacts', 'v0.9.0_control_kind-1.30_containerd_host', 'allure-results'))).toHaveLength(2);
});
