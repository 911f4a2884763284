import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_DIR, sourcePath } from '../../matrix/source-root.ts';
import { RecordFold } from '../../reporters/merge-records.ts';
import { ReleaseRecords } from '../../reporters/release-records.ts';
import { recordFileName, writeRecordAtomically, type ResultRecord } from '../../reporters/index.ts';
import type { MergedResults } from '../../reporters/merged-results.ts';
import { buildProblem } from '../../bin/build-state.mjs';
import { profile, record } from './sample-records.ts';
import { SAMPLE_NIGHTS, SAMPLE_PROFILE } from './sample-night.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('fold-in-parts');

/** Records that exercise every part of a fold: several nights and runners, reruns of a night (one after midnight),
 *  a run interrupted before a planned test and rerun, a test that moved feature, a night out of order, a start that
 *  is not a date, twin records told apart only by their order, and records of another release and of a runtime
 *  class the release does not ship. */
function varied(): ResultRecord[] {
  const night = (day: number, hour = 1) => `2024-07-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const ALLOW = 'attestation/resource-released-allow-all';
  const DENY = 'attestation/resource-withheld-deny-all';
  const records = [
    ...SAMPLE_NIGHTS,
    record({ platform: 'tdx', runner: 'tdx-02', startedAt: night(3), tests: [[ALLOW, 'failed'], [DENY, 'passed']] }),
    record({ platform: 'tdx', runner: 'tdx-02', runId: 'rerun', startedAt: night(3, 22), tests: [[ALLOW, 'passed']] }),
    record({ platform: 'tdx', runner: 'tdx-02', startedAt: night(5), status: 'interrupted', planned: [ALLOW, DENY], tests: [[ALLOW, 'passed']] }),
    record({ platform: 'tdx', runner: 'tdx-02', runId: 'rerun-5', startedAt: night(5, 23), planned: [ALLOW, DENY], tests: [[DENY, 'failed']] }),
    record({ platform: 'tdx', runner: 'tdx-02', startedAt: night(6), status: 'interrupted', planned: [ALLOW, DENY], tests: [] }),
    record({ platform: 'tdx', runner: 'tdx-02', startedAt: night(4), tests: [[ALLOW, 'flaky'], [DENY, 'skipped']] }),
    record({ platform: 'snp', runner: 'snp-07', startedAt: night(2), tests: [[ALLOW, 'passed', { feature: 'encrypted-images' }]] }),
    record({ platform: 'snp', runner: 'snp-07', startedAt: night(3), tests: [[ALLOW, 'infra-error']] }),
    record({ platform: 'tdx', runner: 'tdx-03', startedAt: 'yesterday', tests: [[ALLOW, 'passed']] }),
    // The same record twice, but for its outcome (a file copied and edited): only the order they came in tells them apart.
    record({ platform: 'tdx', runner: 'tdx-02', runId: 'twin', startedAt: night(7), tests: [[ALLOW, 'failed']] }),
    record({ platform: 'tdx', runner: 'tdx-02', runId: 'twin', startedAt: night(7), tests: [[ALLOW, 'passed']] }),
    record({ platform: 'tdx', runner: 'tdx-04', startedAt: night(2), release: 'v0.8.0', tests: [[ALLOW, 'passed']] }),
    record({ platform: 'tdx', runner: 'tdx-05', startedAt: night(2), release: 'v0.8.0', tests: [[ALLOW, 'passed']] }),
  ];
  const variant = record({ platform: 'tdx', runner: 'tdx-06', startedAt: night(2), tests: [[ALLOW, 'passed']] });
  variant.cell.runtimeVariant = 'runtime-rs';
  return [...records, variant];
}

const PROFILE = { ...SAMPLE_PROFILE, release: SAMPLE_NIGHTS[0]!.release };

/** The report JSON of `buildCompatibilityReportFromFiles` as the build runs it (dist/, where the second thread can
 *  start), in a child process: `threads` 1 or 2. */
function reportFromBuild(input: { results: string[]; profile: unknown; generatedAt: string }, threads: 1 | 2): string {
  const module = pathToFileURL(sourcePath(`${BUILD_DIR}/reporters/index.js`)).href;
  const source = `const { buildCompatibilityReportFromFiles, renderJson } = await import('${module}');
const input = JSON.parse(process.argv[1]);
process.stdout.write(renderJson(await buildCompatibilityReportFromFiles({ ...input, threads: ${threads} })));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', source, JSON.stringify(input)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** A fold's result with every test's nights written out, newest first (TestNights.night folds them on demand). */
function writtenOut(result: MergedResults) {
  return {
    ...result,
    testNights: result.testNights.map(({ night, ...test }) => {
      const nights = [];
      for (let k = 0, next = night(0); next; next = night(++k)) nights.push(next);
      return { ...test, nights };
    }),
  };
}

test('a fold in two parts, the second sent across as a structured clone and absorbed, is the fold of the whole', () => {
  const records = varied();
  const whole = new ReleaseRecords(PROFILE);
  for (const r of records) whole.add(structuredClone(r), `file-${r.runId}`);
  const expected = { result: writtenOut(whole.fold.result()), records: whole.fold.records, warnings: whole.warnings() };
  expect(expected.result.warnings.length).toBe(1);
  expect(expected.warnings.length).toBe(2);
  for (let cut = 0; cut <= records.length; cut++) {
    const first = new ReleaseRecords(PROFILE);
    const second = new ReleaseRecords(PROFILE);
    records.forEach((r, i) => (i < cut ? first : second).add(structuredClone(r), `file-${r.runId}`));
    first.absorb(structuredClone(second.state()));
    expect({ result: writtenOut(first.fold.result()), records: first.fold.records, warnings: first.warnings() }, `cut at ${cut}`).toEqual(expected);
  }
});

test('absorbing is not merging in any order: the absorbed fold is the later records, and its run numbers follow', () => {
  const records = varied().slice(-8);
  const whole = new RecordFold();
  for (const r of records) whole.add(structuredClone(r));
  const first = new RecordFold();
  const second = new RecordFold();
  records.forEach((r, i) => (i < 4 ? first : second).add(structuredClone(r)));
  first.absorb(second.state());
  expect(writtenOut(first.result())).toEqual(writtenOut(whole.result()));
  // Every record but the one whose start is not a date.
  expect(first.records).toBe(records.length - 1);
});

test('a part with more warnings than one call takes as arguments is absorbed whole, its warnings after this fold\'s', () => {
  // 200,000 records whose start is not a date: a warning each (≈ 125,000 arguments overflowed a spread here).
  const undated = (runId: string) => ({ runId, startedAt: 'not a date' }) as unknown as ResultRecord;
  const first = new RecordFold();
  first.add(undated('first'));
  const second = new RecordFold();
  for (let i = 0; i < 200_000; i++) second.add(undated(`later-${i}`));
  first.absorb(structuredClone(second.state()));
  const { warnings } = first.result();
  expect(warnings).toHaveLength(200_001);
  expect([warnings[0], warnings[1], warnings.at(-1)]).toEqual(['first', 'later-0', 'later-199999']
    .map((runId) => `record ${runId}: startedAt "not a date" is not a date, so its night is unknown; skipped`));
});

test('from the build, record files read on two threads give the very report one thread gives, warnings in the same order', () => {
  expect(buildProblem(sourcePath('.')), 'the self-tests read the build: npm run build').toBeUndefined();
  const folder = scratch('results');
  const records = varied();
  records.forEach((r, i) => writeRecordAtomically(join(folder, `runner-${i % 3}`, recordFileName(r.cell.id, r.runner, `${r.runId}-${i}`)), r));
  // Files each reader must warn about, in both parts of the list.
  writeFileSync(join(folder, 'runner-0', 'broken.json'), '{"schemaVersion": 1,');
  writeFileSync(join(folder, 'runner-2', 'zz-not-a-record.json'), '{"schemaVersion": 1, "runId": "x", "tests": 3}');
  mkdirSync(join(folder, 'empty'));
  writeFileSync(join(folder, 'empty', 'summary.json'), '{}');
  const input = { results: [folder, join(folder, 'missing'), join(folder, 'runner-1')], profile: PROFILE, generatedAt: 'fixed' };
  const one = reportFromBuild(input, 1);
  const report = JSON.parse(one) as { records: number; warnings: string[] };
  // Left out: two of another release, one of a runtime class not shipped, one whose start is not a date.
  expect(report.records).toBe(records.length - 4);
  expect(report.warnings.length).toBeGreaterThan(5);
  expect(reportFromBuild(input, 2)).toBe(one);
});

test('a release profile of another release leaves every record out, on two threads as on one', () => {
  const folder = scratch('results');
  for (const r of varied()) writeRecordAtomically(join(folder, recordFileName(r.cell.id, r.runner, r.runId)), r);
  const input = { results: [folder], profile: { ...profile({ attestation: { tdx: 'supported' } }), release: 'v0.1.0' }, generatedAt: 'fixed' };
  const two = reportFromBuild(input, 2);
  expect((JSON.parse(two) as { records: number }).records).toBe(0);
  expect(two).toBe(reportFromBuild(input, 1));
});
