import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildCompatibilityReport, buildCompatibilityReportFromFiles, MARKDOWN_LIMIT, recordFileName, renderHtml, renderJson, renderMarkdown, writeRecordAtomically,
  writeReportFiles,
} from '../../reporters/index.ts';
import { nightDate } from '../../scripts/bench/synthetic-records.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';
import { SAMPLE_BASELINE, SAMPLE_NIGHTS, SAMPLE_PROFILE } from './sample-night.ts';
import { FIRST_NIGHT, NIGHTS, WATCHED, writeYearOfNights } from './year-of-nights.ts';

const scratchFolder = scratchDirectory('year');
/** Each test's own folder. */
let scratch = '';
test.beforeEach(() => {
  scratch = freshFolder(scratchFolder);
});

test('a report over 365 nights × 13 runners keeps the Markdown under 60,000 characters and shows the streak of a cell that failed its last 3 nights', async () => {
  test.setTimeout(240_000);
  const { profile, written } = writeYearOfNights(join(scratch, 'results'));

  const report = await buildCompatibilityReportFromFiles({ results: [join(scratch, 'results')], profile, generatedAt: '2024-12-31T06:00:00.000Z' });
  expect(report.records).toBe(written.files);
  expect(report.history).toMatchObject({ window: 10, alertAfter: 3, totalNights: NIGHTS, firstNight: FIRST_NIGHT });
  expect(report.history.nights).toEqual(Array.from({ length: 10 }, (_, i) => nightDate(FIRST_NIGHT, NIGHTS - 10 + i)));

  const watched = report.grid.flat().find((c) => c.feature === 'encrypted-images' && c.platform === 'tdx')!;
  expect(watched.state).toBe('FAIL');
  expect(watched.history.strip).toEqual([...Array(7).fill('PASS'), 'FAIL', 'FAIL', 'FAIL']);
  expect(watched.history.failureStreak).toEqual({ firstNight: nightDate(FIRST_NIGHT, NIGHTS - 3), nights: 3 });
  expect(watched.history.lastPassed).toBe(nightDate(FIRST_NIGHT, NIGHTS - 4));
  const alert = `encrypted-images × tdx: FAIL 3 nights in a row, since ${nightDate(FIRST_NIGHT, NIGHTS - 3)} (last passed ${nightDate(FIRST_NIGHT, NIGHTS - 4)})`;
  expect(watched.history.alert).toBe(alert);
  expect(report.history.alerts).toContain(alert);
  const failing = watched.history.tests[0]!;
  expect(failing).toMatchObject({ testId: WATCHED, runner: 'tdx-runner-000', failedNights: 3 });

  const md = renderMarkdown(report);
  expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
  // The sections kept to their budgets: the last guard had nothing to cut.
  expect(md).not.toContain('the rest of this report is cut to fit a GitHub issue');
  expect(md).toContain(`- 🚨 ${alert}`);
  expect(md).toContain(`| encrypted-images × tdx | ${'🟩'.repeat(7)}🟥🟥🟥 | ${nightDate(FIRST_NIGHT, NIGHTS - 4)} | 3 night(s) since ${nightDate(FIRST_NIGHT, NIGHTS - 3)} 🚨 |`);
  expect(md).toContain(`| \`${WATCHED}\` | failed | tdx-runner-000 |`);
  expect(md).toMatch(/… \d+ more warnings in the HTML report/);
  expect(md).toMatch(/… \d+ more tests in the HTML report/);

  // The HTML holds the same year without a single static test row: each cell's tests are JSON, drawn on demand.
  const html = renderHtml(report);
  expect(html).not.toContain('<tr data-test');
  expect(html).toContain('<script type="application/json" id="data-cell-encrypted-images-tdx">');
  expect(html).toContain(alert);
  const files = writeReportFiles(report, join(scratch, 'report'));
  expect(JSON.parse(readFileSync(files[2]!, 'utf8')).history.alerts).toContain(alert);
});

test('streaming the record files gives the very report that folding the same records in memory gives', async () => {
  const write = (folder: string, records: typeof SAMPLE_NIGHTS) => {
    for (const r of records) writeRecordAtomically(join(scratch, folder, recordFileName(r.cell.id, r.runner, r.runId)), r);
    return join(scratch, folder);
  };
  const fromFiles = await buildCompatibilityReportFromFiles({
    results: [write('results', SAMPLE_NIGHTS)], baseline: [write('baseline', SAMPLE_BASELINE)], profile: SAMPLE_PROFILE, generatedAt: 'fixed',
  });
  const inMemory = buildCompatibilityReport({ records: SAMPLE_NIGHTS, baseline: SAMPLE_BASELINE, profile: SAMPLE_PROFILE, generatedAt: 'fixed' });
  expect(fromFiles.records).toBe(SAMPLE_NIGHTS.length);
  expect(fromFiles.diff?.records).toBe(SAMPLE_BASELINE.length);
  expect(renderJson(fromFiles)).toBe(renderJson(inMemory));
});
