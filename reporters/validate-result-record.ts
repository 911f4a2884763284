import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { ObjectPath } from '../matrix/object-path.ts';
import { compileSchema, type JsonSchema, type SchemaCheck } from '../matrix/schema/validate.ts';
import { firstValueNestedBeyond, nestingCheckForValid } from '../matrix/schema/nesting-depth.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord } from './result-record.ts';
import { BUILD_DIR, RUNNING_FROM_BUILD, sourcePath } from '../matrix/source-root.ts';

/** The shipped schema's file, from the checkout's root (also an input of the build: bin/build-state.mjs). */
export const RESULT_RECORD_SCHEMA_FILE = 'reporters/result-record.schema.json';
const SCHEMA_TEXT = readFileSync(sourcePath(RESULT_RECORD_SCHEMA_FILE), 'utf8');

/** The shipped schema, read once: reporters/result-record.schema.json is the contract other tools can use too. */
export const RESULT_RECORD_SCHEMA: JsonSchema = JSON.parse(SCHEMA_TEXT) as JsonSchema;

/** The schema's fingerprint: the build's precompiled check carries the one it was compiled from. */
export const RESULT_RECORD_SCHEMA_SHA256 = createHash('sha256').update(SCHEMA_TEXT).digest('hex');

/** Where `npm run build` writes the record check it compiled (scripts/build/precompile-validators.ts): ajv's
 *  standalone code of compileSchema's first-error mode, so a report run from the build compiles nothing. */
export const PRECOMPILED_RECORD_CHECK = `${BUILD_DIR}/reporters/result-record-check.cjs`;

/** One problem of a record: where (`tests[3].outcome`, `(document)` for the root) and what. */
export interface SchemaViolation {
  path: string;
  problem: string;
}

/** Compiled on first use, once (or the build's, precompiledCheck): a year of nights is millions of values through
 *  the same check. */
let checkRecord: SchemaCheck | undefined;
let nestingOfValid: ((value: unknown, limit: number) => ObjectPath | undefined) | undefined;

/** The build's precompiled first-error check, when this code runs from the build and the check was compiled from
 *  the schema this build ships; otherwise undefined, and the check is compiled here. */
function precompiledCheck(): ValidateFunction | undefined {
  if (!RUNNING_FROM_BUILD) return undefined;
  const file = sourcePath(PRECOMPILED_RECORD_CHECK);
  if (!existsSync(file)) return undefined;
  const check = createRequire(import.meta.url)(file) as ValidateFunction & { schemaSha256?: string };
  return check.schemaSha256 === RESULT_RECORD_SCHEMA_SHA256 ? check : undefined;
}

export type RecordValidation =
  | { ok: true; record: ResultRecord }
  | { ok: false; problems: SchemaViolation[] };

/** Checks a parsed document against the result record schema. A document from a newer harness is refused with a
 *  message that says so, rather than with a list of puzzling field errors. A document nested deeper than
 *  MAX_RECORD_DEPTH is refused, whatever else it holds: the schema check itself goes no deeper than the schema, but
 *  the messages quote values and the merge compares them, recursively. */
export function validateResultRecord(document: unknown): RecordValidation {
  checkRecord ??= compileSchema(RESULT_RECORD_SCHEMA, 'record', precompiledCheck());
  if (checkRecord.passes(document)) {
    // Valid: only where the schema leaves the nesting open can a value be too deep.
    nestingOfValid ??= nestingCheckForValid(RESULT_RECORD_SCHEMA);
    const tooDeep = nestingOfValid(document, MAX_RECORD_DEPTH);
    return tooDeep ? tooDeepOf(tooDeep) : { ok: true, record: document as ResultRecord };
  }
  const tooDeep = firstValueNestedBeyond(document, MAX_RECORD_DEPTH);
  if (tooDeep) return tooDeepOf(tooDeep);
  const version = (document as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RESULT_RECORD_SCHEMA_VERSION) {
    return {
      ok: false,
      problems: [{ path: 'schemaVersion', problem: `is ${version}; this harness reads version ${RESULT_RECORD_SCHEMA_VERSION} (upgrade coco-conformance)` }],
    };
  }
  const violations = hasMoreValuesThan(document, MAX_VALUES_FOR_EVERY_PROBLEM) ? [checkRecord.firstMet(document)!] : checkRecord.violations(document);
  return { ok: false, problems: violations.map((v) => ({ path: recordPathText(v.path), problem: v.problem })) };
}

let checkExpectation: SchemaCheck | undefined;

/** Whether `value` is an expectation a record may hold (the schema's `$defs/expected`): what a test's `expected`
 *  annotation must be for its record to be read by the report. */
export function isRecordExpectation(value: unknown): value is ExpectedOutcome {
  checkExpectation ??= compileSchema({ $schema: RESULT_RECORD_SCHEMA.$schema, $defs: RESULT_RECORD_SCHEMA.$defs, $ref: '#/$defs/expected' }, 'record');
  return checkExpectation.passes(value);
}

function tooDeepOf(path: ObjectPath): RecordValidation {
  return { ok: false, problems: [{ path: recordPathText(path), problem: `is nested more than ${MAX_RECORD_DEPTH} levels deep` }] };
}

/** Every problem of an invalid record is listed (in document order) only up to this many values, about a megabyte
 *  of record where a real one has a few thousand: listing them keeps an error object per problem, and 16 MB of empty
 *  test objects would be gigabytes of them. A larger invalid record is described by the first problem met. */
const MAX_VALUES_FOR_EVERY_PROBLEM = 20_000;

/** Whether `value` holds more than `limit` values (itself included); stops counting there. */
function hasMoreValuesThan(value: unknown, limit: number): boolean {
  let count = 1;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next !== 'object' || next === null) continue;
    for (const key in next) {
      if (++count > limit) return true;
      pending.push((next as Record<string, unknown>)[key]);
    }
  }
  return count > limit;
}

/** A record is about 6 levels deep. */
const MAX_RECORD_DEPTH = 32;

/** A path inside a record as its messages write it and json-positions.ts finds it again: keys as they are (a record's
 *  keys are the schema's words), `tests[3].outcome`, `(document)` for the root. */
function recordPathText(path: ObjectPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return text || '(document)';
}

/** True when a parsed JSON document is meant to be a result record (so a folder may hold other JSON files). */
export function looksLikeResultRecord(document: unknown): boolean {
  return typeof document === 'object' && document !== null && 'schemaVersion' in document && 'runId' in document && 'tests' in document;
}

export function describeProblems(problems: SchemaViolation[]): string {
  return problems.slice(0, 3).map((p) => `${p.path}: ${p.problem}`).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}
