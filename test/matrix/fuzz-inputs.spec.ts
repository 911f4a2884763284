import { expect, test } from '@playwright/test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { InputError, loadReleaseProfile, planCells } from '../../matrix/index.ts';
import { readResultRecordFile } from '../../reporters/load-result-records.ts';
import { findJsonSyntaxError } from '../../reporters/json-positions.ts';
import { record } from '../reporters/sample-records.ts';
import { applyMutations, JSON_FRAGMENTS, mutationsOf, YAML_FRAGMENTS, type Mutation } from './text-mutations.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('fuzz');

/** Mutated real inputs thrown at the loaders in process: the shipped matrices and the v0.9.0 profile through the
 *  same calls `plan` makes (read, parse, schema, cross-checks, cell expansion, expected outcomes), and a valid
 *  result record through the record loader. Every outcome must be a value or one InputError / warning of one line;
 *  any other exception fails the property, and fast-check prints the shrunk edits and the seed. A hang would be
 *  stopped by the test's timeout. The seed is fixed so a run can be repeated; FUZZ_SEED picks another. */
test.describe.configure({ mode: 'parallel' });
process.chdir(SOURCE_ROOT);

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_720);
const MAX_MESSAGE_CHARS = 2_600;

const YAML_SOURCES = [
  { file: 'matrix/local.yaml', runs: 1000, load: (file: string) => planCells(file) },
  { file: 'matrix/nightly.yaml', runs: 1000, load: (file: string) => planCells(file) },
  // Written as v0.9.0.yaml, so the check that the release matches the file name holds for the unmutated text.
  { file: 'matrix/releases/v0.9.0.yaml', runs: 1000, load: (file: string) => loadReleaseProfile(file) },
];
const DONOR = YAML_SOURCES.map((source) => readFileSync(source.file, 'utf8')).join('\n');

/** No line break, no control character but tab (a message never carries raw bytes to the terminal), bounded, and
 *  naming the file first. Inside properties the checks are node:assert: Playwright's expect records every call as a
 *  step, which would cost more than the loading it checks. */
function assertOneLine(message: string, file: string): void {
  assert.doesNotMatch(message, /[\x00-\x08\x0A-\x1F\x7F-\x9F\u2028\u2029]/);
  assert.ok(message.length <= MAX_MESSAGE_CHARS, `message of ${message.length} characters`);
  assert.ok(message.startsWith(`${file}:`), message);
}

/** Loads one mutated input in process: 'value', or the one-line message of the InputError it was refused with. */
function loadMutated(load: (file: string) => unknown, file: string): { outcome: 'value' } | { outcome: 'input-error'; message: string } {
  try {
    load(file);
    return { outcome: 'value' };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    assertOneLine(error.message, file);
    return { outcome: 'input-error', message: error.message };
  }
}

for (const source of YAML_SOURCES) {
  test(`${source.runs} mutations of ${source.file}: each is a value or one InputError line`, () => {
    test.setTimeout(300_000);
    const original = readFileSync(source.file, 'utf8');
    const folder = freshFolder(scratch, 'yaml');
    const file = path.join(folder, path.basename(source.file));
    const counts = { value: 0, 'input-error': 0 };
    fc.assert(
      fc.property(mutationsOf(YAML_FRAGMENTS), (mutations) => {
        writeFileSync(file, applyMutations(original, mutations, DONOR));
        counts[loadMutated(source.load, file).outcome] += 1;
      }),
      { numRuns: source.runs, seed: SEED },
    );
    console.log(`${source.file}: ${counts.value} loaded, ${counts['input-error']} refused with one line (seed ${SEED})`);
    expect(counts.value + counts['input-error']).toBe(source.runs);
    // The edits must reach both sides: files that still load, and every kind of refusal.
    expect(counts.value).toBeGreaterThan(0);
    expect(counts['input-error']).toBeGreaterThan(source.runs / 4);
  });
}

const RECORD_TEXT = JSON.stringify(record({ platform: 'tdx', runner: 'tdx-01', tests: [['attestation/resource-released-allow-all', 'passed'], ['sealed-secret/unsealed-with-resource', 'failed']] }), null, 2);

test('2000 mutations of a result record: each is a record or one warning line; syntax errors are placed as JSON.parse places them', () => {
  test.setTimeout(300_000);
  const folder = freshFolder(scratch, 'json');
  const file = path.join(folder, 'record.json');
  const counts = { record: 0, warning: 0, syntax: 0, positionChecked: 0 };
  fc.assert(
    fc.property(mutationsOf(JSON_FRAGMENTS), (mutations) => {
      const bytes = applyMutations(RECORD_TEXT, mutations, RECORD_TEXT);
      writeFileSync(file, bytes);
      const result = readResultRecordFile(file, true);
      assert.ok(result.record !== undefined || result.warning !== undefined, 'a named file is never passed over');
      if (result.record) counts.record += 1;
      if (result.warning) {
        counts.warning += 1;
        assertOneLine(result.warning, file);
      }

      // The syntax scanner that places errors agrees with JSON.parse on what is valid, and on where it breaks
      // whenever V8's message gives a position.
      const text = bytes.toString('utf8');
      let v8: { valid: true } | { valid: false; position?: number };
      try {
        JSON.parse(text);
        v8 = { valid: true };
      } catch (error) {
        const position = /at position (\d+)/.exec((error as Error).message)?.[1];
        v8 = { valid: false, position: position === undefined ? undefined : Number(position) };
      }
      const found = findJsonSyntaxError(text);
      assert.equal(found === undefined, v8.valid, text.slice(0, 200));
      if (!v8.valid) counts.syntax += 1;
      if (!v8.valid && v8.position !== undefined) {
        assert.equal(found?.offset, v8.position, text.slice(0, 200));
        counts.positionChecked += 1;
      }
    }),
    { numRuns: 2000, seed: SEED },
  );
  console.log(`record: ${counts.record} loaded, ${counts.warning} warnings, ${counts.syntax} syntax errors (${counts.positionChecked} positions checked against V8) (seed ${SEED})`);
  expect(counts.record).toBeGreaterThan(0);
  expect(counts.syntax).toBeGreaterThan(200);
  expect(counts.positionChecked).toBeGreaterThan(50);
});

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ['bin/coco-conformance.mjs', ...args], { cwd: SOURCE_ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The first `count` mutations (in the seed's order) for which `refused` holds. */
function firstRefused(count: number, refused: (mutations: Mutation[], index: number) => boolean): Mutation[][] {
  const chosen: Mutation[][] = [];
  fc.sample(mutationsOf(YAML_FRAGMENTS), { numRuns: 200, seed: SEED }).forEach((mutations, index) => {
    if (chosen.length < count && refused(mutations, index)) chosen.push(mutations);
  });
  return chosen;
}

test('a handful of mutated matrices through the real CLI: exit 2 and exactly the in-process line', () => {
  const original = readFileSync('matrix/nightly.yaml', 'utf8');
  const folder = freshFolder(scratch, 'cli');
  const cases = firstRefused(5, (mutations, index) => {
    const file = path.join(folder, `nightly-${index}.yaml`);
    writeFileSync(file, applyMutations(original, mutations, DONOR));
    const loaded = loadMutated((f) => planCells(f), file);
    if (loaded.outcome !== 'input-error') return false;
    const run = cli('plan', '--matrix', file);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: ${loaded.message}\n`);
    return true;
  });
  expect(cases).toHaveLength(5);
});

test('a handful of mutated records through the real CLI: signoff exits 2 with one line when none is valid', () => {
  const folder = freshFolder(scratch, 'cli-records');
  mkdirSync(folder, { recursive: true });
  let checked = 0;
  fc.sample(mutationsOf(JSON_FRAGMENTS), { numRuns: 100, seed: SEED }).forEach((mutations, index) => {
    if (checked >= 4) return;
    const file = path.join(folder, `record-${index}.json`);
    writeFileSync(file, applyMutations(RECORD_TEXT, mutations, RECORD_TEXT));
    const { record: loaded, warning } = readResultRecordFile(file, true);
    if (loaded) return;
    const run = cli('signoff', file, '--release', 'v0.9.0');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: no valid result record in RESULTS: ${warning}\n`);
    checked += 1;
  });
  expect(checked).toBe(4);
});
