import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { readResultRecordFile } from '../../reporters/load-result-records.ts';
import { readTestMetadata } from '../../reporters/test-metadata.ts';
import { validateResultRecord } from '../../reporters/index.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { record } from './sample-records.ts';

/** What the record check reports for an invalid record: every problem in document order (a value's own problems,
 *  then what is under it, then the fields it lacks), and for a record too large to list them all, the first
 *  problem met, still as one warning line. */
const scratch = scratchDirectory('record-problems');
const good = () => record({ platform: 'tdx', runner: 'tdx-01', tests: [['attestation/resource-released-allow-all', 'passed']] });

test('an invalid record lists every problem in document order, what a test holds before what it lacks', () => {
  const { title: _title, ...untitled } = good().tests[0]!;
  const broken = { ...good(), runner: 5, tests: [{ ...untitled, retries: -1 }, 'not a test'], surprise: true } as unknown;
  const result = validateResultRecord(broken);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problems).toEqual([
    { path: 'runner', problem: 'must be string, got number' },
    { path: 'tests[0].retries', problem: 'must be >= 0, got -1' },
    { path: 'tests[0].title', problem: 'is required' },
    { path: 'tests[1]', problem: 'must be object, got string' },
    { path: 'surprise', problem: 'is not a known field' },
  ]);
});

test('a record too large to list every problem is refused with the first one met, in one warning line', () => {
  const huge = { ...good(), tests: Array.from({ length: 100_000 }, () => ({})) };
  const result = validateResultRecord(huge);
  expect(result).toEqual({ ok: false, problems: [{ path: 'tests[0].id', problem: 'is required' }] });

  const file = scratch('huge.json');
  const text = JSON.stringify(huge, null, 1);
  writeFileSync(file, text);
  const firstTest = text.indexOf('{', text.indexOf('"tests": ['));
  const before = text.slice(0, firstTest).split('\n');
  const { record: loaded, warning } = readResultRecordFile(file, true);
  expect(loaded).toBeUndefined();
  expect(warning).toBe(`${file}:${before.length}:${before.at(-1)!.length + 1}: invalid result record: tests[0].id: is required; skipped`);
});

test("an expectation's not-tested-upstream reason is part of the record's contract: text, as the harness writes it", () => {
  const noted = good();
  const first = noted.tests[0]!;
  first.expected = { expect: 'pass', claim: 'supported', notTestedUpstream: 'upstream CI has no runner of this platform' };
  expect(validateResultRecord(noted).ok).toBe(true);
  (first.expected as Record<string, unknown>).notTestedUpstream = 3;
  const result = validateResultRecord(noted);
  expect(result.ok ? [] : result.problems).toEqual([{ path: 'tests[0].expected.notTestedUpstream', problem: 'must be string, got number' }]);
});

test('an expectation holds only what the harness writes: an unknown field in it or in its signature is refused by name', () => {
  const noted = good();
  const first = noted.tests[0]!;
  first.expected = { expect: 'fail', claim: 'limitation', reason: 'r', signature: { step: 's', pattern: 'p', because: 'b' } };
  expect(validateResultRecord(noted).ok).toBe(true);
  Object.assign(first.expected, { surprise: 1 });
  Object.assign(first.expected.signature!, { extra: true });
  const result = validateResultRecord(noted);
  expect(result.ok ? [] : result.problems).toEqual([
    { path: 'tests[0].expected.signature.extra', problem: 'is not a known field' },
    { path: 'tests[0].expected.surprise', problem: 'is not a known field' },
  ]);
});

test("a test's expected annotation the record schema would not take is read as must-pass, saying so, and its record stays readable", () => {
  const read = (expected: unknown) => readTestMetadata('t', ['@attestation'], [{ type: 'expected', description: JSON.stringify(expected) }]).expected;
  const fine = { expect: 'fail', claim: 'limitation', reason: 'r', signature: { step: 's', pattern: 'p', because: 'b' } };
  expect(read(fine)).toEqual(fine);
  for (const odd of [{ ...fine, surprise: 1 }, { ...fine, claim: 'maybe' }, { ...fine, signature: { step: 's' } }, { expect: 'pass' }]) {
    const expected = read(odd);
    expect(expected, JSON.stringify(odd)).toMatchObject({ expect: 'pass', claim: 'supported', reason: expect.stringMatching(/^unreadable expected annotation: /) });
    const noted = good();
    noted.tests[0]!.expected = expected;
    expect(validateResultRecord(noted).ok).toBe(true);
  }
});
