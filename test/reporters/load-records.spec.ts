import { test, expect } from '@playwright/test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadResultRecords, validateResultRecord, RESULT_RECORD_SCHEMA, OUTCOMES, mergeOutcomes, type Outcome } from '../../reporters/index.ts';
import { FEATURES, PLATFORMS, VARIANTS } from '../../matrix/vocabulary.ts';
import { record } from './sample-records.ts';
import { scratchDir } from './inline-project.ts';

let scratch = '';
test.beforeEach(() => {
  scratch = scratchDir('records');
});
test.afterEach(async ({}, info) => {
  if (info.status === info.expectedStatus) rmSync(scratch, { recursive: true, force: true });
});
const inScratch = (...parts: string[]) => join(scratch, ...parts);

const good = () => record({ platform: 'tdx', runner: 'tdx-01', tests: [['attestation/resource-released-allow-all', 'passed']] });

test('corrupted, truncated, empty and invalid record files become warnings naming the file; good ones load', async () => {
  const dir = inScratch('results');
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  const text = JSON.stringify(good(), null, 2);
  writeFileSync(join(dir, 'good.json'), text);
  writeFileSync(join(dir, 'nested', 'deeper', 'also-good.json'), JSON.stringify({ ...good(), runner: 'tdx-02', cell: { ...good().cell, runner: 'tdx-02' } }));
  writeFileSync(join(dir, 'truncated.json'), text.slice(0, text.length / 2));
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'bad-outcome.json'), JSON.stringify({ ...good(), tests: [{ ...good().tests[0], outcome: 'sort-of' }] }));
  writeFileSync(join(dir, 'newer.json'), JSON.stringify({ ...good(), schemaVersion: 2 }));
  writeFileSync(join(dir, 'playwright-report.json'), JSON.stringify({ config: {}, suites: [] })); // not a record: passed over
  writeFileSync(join(dir, 'notes.txt'), 'not json at all');
  const named = inScratch('named-not-a-record.json');
  writeFileSync(named, '{"hello": 1}');

  const loaded = loadResultRecords([dir, named, inScratch('missing-dir')]);
  expect(loaded.records.map((r) => r.runner).sort()).toEqual(['tdx-01', 'tdx-02']);
  const warnings = loaded.warnings.join('\n');
  expect(warnings).toMatch(/truncated\.json: not valid JSON, truncated\? \(.+\), skipped/);
  expect(warnings).toContain('empty.json: empty file, skipped');
  expect(warnings).toMatch(/bad-outcome\.json: invalid result record: tests\[0\]\.outcome: must be one of "passed", .*got "sort-of"; skipped/);
  expect(warnings).toContain('newer.json: invalid result record: schemaVersion: is 2; this harness reads version 1 (upgrade coco-conformance); skipped');
  expect(warnings).toContain('named-not-a-record.json: not a result record (no schemaVersion, runId and tests), skipped');
  expect(warnings).toContain('missing-dir: no such file or folder, skipped');
  expect(warnings).not.toContain('playwright-report.json');
  expect(loaded.warnings).toHaveLength(6);
});

test('a record still running (crashed) or interrupted is used, with a warning that says so', async () => {
  const file = inScratch('crashed.json');
  writeFileSync(file, JSON.stringify({ ...good(), status: 'running', endedAt: undefined }));
  const loaded = loadResultRecords([file, file]);
  expect(loaded.records).toHaveLength(1); // the same file named twice counts once
  expect(loaded.warnings).toEqual([`${file}: run run-tdx-01-2024-07-20 never finished (status running: crashed or still going); its 1 finished tests are used`]);
});

test('the validator names the path and the problem', () => {
  const broken = { ...good(), runner: 5, cell: { ...good().cell, platform: 'tpm' }, surprise: true } as unknown;
  const result = validateResultRecord(broken);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problems).toEqual(expect.arrayContaining([
    { path: 'runner', problem: 'must be string, got number' },
    { path: 'cell.platform', problem: expect.stringContaining('must be one of "tdx"') },
    { path: 'surprise', problem: 'is not a known field' },
  ]));
  expect(validateResultRecord(good()).ok).toBe(true);
});

test('the JSON schema lists exactly the vocabularies of the code', () => {
  const defs = RESULT_RECORD_SCHEMA.$defs as Record<string, { enum: string[] }>;
  expect(defs.feature!.enum).toEqual([...FEATURES]);
  expect(defs.platform!.enum).toEqual([...PLATFORMS]);
  expect(defs.variant!.enum).toEqual([...VARIANTS]);
  expect(defs.outcome!.enum).toEqual([...OUTCOMES]);
});

const MERGE_TABLE: [Outcome[], Outcome][] = [
  [['passed'], 'passed'],
  [['failed', 'passed'], 'flaky'],
  [['passed', 'failed'], 'flaky'],
  [['failed', 'failed'], 'failed'],
  [['flaky', 'failed'], 'flaky'],
  [['expected-failure', 'unexpected-pass'], 'unexpected-pass'],
  [['unexpected-pass', 'expected-failure'], 'unexpected-pass'],
  [['infra-error', 'passed'], 'passed'],
  [['passed', 'infra-error'], 'passed'],
  [['failed', 'skipped'], 'failed'],
  [['skipped', 'infra-error'], 'infra-error'],
  [['infra-error', 'skipped'], 'skipped'],
];
for (const [history, merged] of MERGE_TABLE) {
  test(`merging the runs of one test: ${history.join(' then ')} → ${merged}`, () => {
    expect(mergeOutcomes(history)).toBe(merged);
  });
}
