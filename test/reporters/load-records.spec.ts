import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RECORD_FILE_BYTES } from '../../reporters/load-result-records.ts';
import { loadResultRecords, validateResultRecord, RESULT_RECORD_SCHEMA, OUTCOMES, mergeOutcomes, type Outcome } from '../../reporters/index.ts';
import { FEATURES, PLATFORM_ID, VARIANTS } from '../../matrix/vocabulary.ts';
import { record } from './sample-records.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

const scratchFolder = scratchDirectory('records');
/** Each test's own folder. */
let scratch = '';
test.beforeEach(() => {
  scratch = freshFolder(scratchFolder);
});
const inScratch = (...parts: string[]) => join(scratch, ...parts);

const good = () => record({ platform: 'tdx', runner: 'tdx-01', tests: [['attestation/resource-released-allow-all', 'passed']] });

test('corrupted, truncated, empty and invalid record files become one warning each, naming the file and line:col', async () => {
  const dir = inScratch('results');
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  const text = JSON.stringify(good(), null, 2);
  writeFileSync(join(dir, 'good.json'), text);
  writeFileSync(join(dir, 'nested', 'deeper', 'also-good.json'), JSON.stringify({ ...good(), runner: 'tdx-02', cell: { ...good().cell, runner: 'tdx-02' } }));
  const truncated = text.slice(0, text.indexOf('"outcome"') + 5); // cut inside a property name
  writeFileSync(join(dir, 'truncated.json'), truncated);
  writeFileSync(join(dir, 'empty.json'), '');
  writeFileSync(join(dir, 'bad-outcome.json'), JSON.stringify({ ...good(), tests: [{ ...good().tests[0], outcome: 'sort-of' }] }, null, 2));
  writeFileSync(join(dir, 'newer.json'), JSON.stringify({ ...good(), schemaVersion: 2 }, null, 2));
  writeFileSync(join(dir, 'playwright-report.json'), JSON.stringify({ config: {}, suites: [] })); // not a record: passed over
  writeFileSync(join(dir, 'notes.txt'), 'not json at all');
  const named = inScratch('named-not-a-record.json');
  writeFileSync(named, '\n  {"hello": 1}');

  const loaded = loadResultRecords([dir, named, inScratch('missing-dir')]);
  expect(loaded.records.map((r) => r.runner).sort()).toEqual(['tdx-01', 'tdx-02']);
  const lineOf = (whole: string, needle: string) => whole.slice(0, whole.indexOf(needle)).split('\n').length;
  const truncatedEnd = truncated.split('\n');
  const badOutcome = JSON.stringify({ ...good(), tests: [{ ...good().tests[0], outcome: 'sort-of' }] }, null, 2);
  expect(loaded.warnings.sort()).toEqual([
    `${join(dir, 'bad-outcome.json')}:${lineOf(badOutcome, '"sort-of"')}:18: invalid result record: tests[0].outcome: must be one of "passed", "failed", "expected-failure", "failed-wrong-reason", "unexpected-pass", "flaky", "skipped", "infra-error"; got "sort-of"; skipped`,
    `${join(dir, 'empty.json')}: empty file; skipped`,
    `${join(dir, 'newer.json')}:2:20: invalid result record: schemaVersion: is 2; this harness reads version 1 (upgrade coco-conformance); skipped`,
    `${join(dir, 'truncated.json')}:${truncatedEnd.length}:${truncatedEnd.at(-1)!.length + 1}: not valid JSON: the text ends inside a string (truncated?); skipped`,
    `${inScratch('missing-dir')}: no such file or folder; skipped`,
    `${named}:2:3: not a result record (no schemaVersion, runId and tests); skipped`,
  ].sort());
});

test('a syntax error is placed at its line and column, and the warning never quotes the text', () => {
  const cases: [string, string, string][] = [
    ['{"schemaVersion": 1,\n "runId": "x" "tests": []}', '2:15', 'expected "," or "}", got """'],
    ['{"schemaVersion": 1,\n\n   "runId": secret-value}', '3:13', 'expected a value, got "s"'],
    ['{"a": [1, 2,]}', '1:13', 'expected a value, got "]"'],
    ['{"a": 1} trailing', '1:10', '"t" after the end of the document'],
    ['{"a": "tab\tinside"}', '1:11', 'a control character inside a string (a raw line break or tab must be escaped)'],
    ['{"a": "\\q"}', '1:9', 'an unknown escape in a string'],
    ['{"a": -}', '1:8', 'a number without digits after its minus sign'],
    ['{"a" 1}', '1:6', 'expected ":" after a property name, got "1"'],
    ['{\n  "a": [\n    {"b": 1}', '3:13', 'the text ends before the document does (truncated?)'],
    ['\u00ff\u00fe{}', '1:1', 'expected a value, got U+00FF'],
  ];
  for (const [text, at, problem] of cases) {
    const file = inScratch('syntax.json');
    writeFileSync(file, text);
    expect(() => JSON.parse(text), text).toThrow(); // each case really is invalid JSON
    const { warnings } = loadResultRecords([file]);
    expect(warnings).toEqual([`${file}:${at}: not valid JSON: ${problem}; skipped`]);
    expect(warnings[0]).not.toContain('secret-value');
  }
});

test('binary, non-UTF-8, oversized, too deep or not a regular file: one warning each, the content never quoted', () => {
  const binary = inScratch('binary.json');
  writeFileSync(binary, Buffer.from([0x7b, 0x0a, 0x1b, 0x5b, 0x32, 0x4a, 0xff, 0x00, 0x01]));
  const latin1 = inScratch('latin1.json');
  writeFileSync(latin1, Buffer.concat([Buffer.from('{"runner": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
  const huge = inScratch('huge.json');
  writeFileSync(huge, Buffer.alloc(MAX_RECORD_FILE_BYTES + 1, ' '));
  const deep = inScratch('deep.json');
  writeFileSync(deep, JSON.stringify({ ...good(), environment: { kernel: '6.8' } }).replace('"kernel":"6.8"', `"kernel":${'['.repeat(100_000)}${']'.repeat(100_000)}`));
  const fifo = inScratch('a-pipe.json');
  execFileSync('mkfifo', [fifo]);
  // A socket cannot even be opened for reading: the warning must still say what it is.
  const socket = inScratch('a-socket.json');
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', socket]);

  const { records, warnings } = loadResultRecords([binary, latin1, huge, deep, fifo, socket]);
  expect(records).toEqual([]);
  expect(warnings).toEqual([
    `${binary}:2:5: not a JSON text file (not valid UTF-8); skipped`,
    `${latin1}:1:16: not a JSON text file (not valid UTF-8); skipped`,
    `${huge}: is ${MAX_RECORD_FILE_BYTES + 1} bytes; the limit is ${MAX_RECORD_FILE_BYTES}; skipped`,
    `${deep}:1:${JSON.stringify({ ...good(), environment: { kernel: '6.8' } }).indexOf('"kernel"') + 10 + 30}: invalid result record: environment.kernel${'[0]'.repeat(30)}: is nested more than 32 levels deep; skipped`,
    `${fifo}: is not a regular file (a device, a pipe or a socket); skipped`,
    `${socket}: is not a regular file (a device, a pipe or a socket); skipped`,
  ]);
  expect(warnings.join('\n')).not.toContain('\x1b');
});

test('a record behind a byte order mark, or quoting U+FFFD itself, is read as a UTF-8 decoder reads it', () => {
  const bom = inScratch('bom.json');
  writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(good()))]));
  const replacement = inScratch('replacement-character.json');
  writeFileSync(replacement, JSON.stringify({ ...good(), runId: 'run-\uFFFD-1' }));
  const { records, warnings } = loadResultRecords([bom, replacement]);
  expect(warnings).toEqual([]);
  expect(records.map((r) => r.runId)).toEqual([good().runId, 'run-\uFFFD-1']);
});

test('what a record quotes in a warning (a run id) stays on one line', () => {
  const file = inScratch('odd-run-id.json');
  writeFileSync(file, JSON.stringify({ ...good(), runId: 'run\nwith\u001b[2Jescape', status: 'running' }));
  const { records, warnings } = loadResultRecords([file]);
  expect(records).toHaveLength(1);
  expect(warnings).toEqual([`${file}: run run\\u000Awith\\u001B[2Jescape never finished (status running: crashed or still going); its 1 finished tests are used`]);
});

test('a record still running (crashed) or interrupted is used, with a warning that says so', async () => {
  const file = inScratch('crashed.json');
  writeFileSync(file, JSON.stringify({ ...good(), status: 'running', endedAt: undefined }));
  const loaded = loadResultRecords([file, file]);
  expect(loaded.records).toHaveLength(1); // the same file named twice counts once
  expect(loaded.warnings).toEqual([`${file}: run run-tdx-01-2024-07-20 never finished (status running: crashed or still going); its 1 finished tests are used`]);
});

test('the validator names the path and the problem', () => {
  const broken = { ...good(), runner: 5, cell: { ...good().cell, platform: 'TPM!' }, surprise: true } as unknown;
  const result = validateResultRecord(broken);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problems).toEqual(expect.arrayContaining([
    { path: 'runner', problem: 'must be string, got number' },
    { path: 'cell.platform', problem: expect.stringContaining('must match') },
    { path: 'surprise', problem: 'is not a known field' },
  ]));
  expect(validateResultRecord(good()).ok).toBe(true);
});

test('the JSON schema lists exactly the vocabularies of the code', () => {
  const defs = RESULT_RECORD_SCHEMA.$defs as Record<string, { enum?: string[]; pattern?: string }>;
  expect(defs.feature!.enum).toEqual([...FEATURES]);
  expect(defs.platform!.pattern).toBe(PLATFORM_ID.pattern.source);
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
