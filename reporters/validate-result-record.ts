import { readFileSync } from 'node:fs';
import type { ObjectPath } from '../matrix/object-path.ts';
import { compileSchema, type JsonSchema, type SchemaCheck } from '../matrix/schema/validate.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord } from './result-record.ts';
import { sourcePath } from '../matrix/source-root.ts';

/** The shipped schema, read once: reporters/result-record.schema.json is the contract other tools can use too. */
export const RESULT_RECORD_SCHEMA: JsonSchema = JSON.parse(
  readFileSync(sourcePath('reporters/result-record.schema.json'), 'utf8'),
) as JsonSchema;

/** One problem of a record: where (`tests[3].outcome`, `(document)` for the root) and what. */
export interface SchemaViolation {
  path: string;
  problem: string;
}

/** Compiled on first use, once: a year of nights is millions of values through the same check. */
let checkRecord: SchemaCheck | undefined;

export type RecordValidation =
  | { ok: true; record: ResultRecord }
  | { ok: false; problems: SchemaViolation[] };

/** Checks a parsed document against the result record schema. A document from a newer harness is refused with a
 *  message that says so, rather than with a list of puzzling field errors. */
export function validateResultRecord(document: unknown): RecordValidation {
  const tooDeep = findDeepValue(document, MAX_RECORD_DEPTH);
  if (tooDeep) return { ok: false, problems: [{ path: tooDeep, problem: `is nested more than ${MAX_RECORD_DEPTH} levels deep` }] };
  const version = (document as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RESULT_RECORD_SCHEMA_VERSION) {
    return {
      ok: false,
      problems: [{ path: 'schemaVersion', problem: `is ${version}; this harness reads version ${RESULT_RECORD_SCHEMA_VERSION} (upgrade coco-conformance)` }],
    };
  }
  checkRecord ??= compileSchema(RESULT_RECORD_SCHEMA, 'record');
  const firstMet = checkRecord.firstMet(document);
  if (!firstMet) return { ok: true, record: document as ResultRecord };
  const violations = hasMoreValuesThan(document, MAX_VALUES_FOR_EVERY_PROBLEM) ? [firstMet] : checkRecord.violations(document);
  return { ok: false, problems: violations.map((v) => ({ path: recordPathText(v.path), problem: v.problem })) };
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

/** A record is about 6 levels deep. The schema walk and its messages (which quote values) recurse through what they
 *  look at, so a document of a million nested lists is refused before them. */
const MAX_RECORD_DEPTH = 32;

/** The path of the first value nested deeper than `remaining` levels, or undefined. The recursion stops at the
 *  limit, and nothing is allocated unless a path is found: this runs over every value of every record. */
function findDeepValue(value: unknown, remaining: number): string | undefined {
  const parts = deepPathParts(value, remaining);
  return parts ? recordPathText(parts.reverse()) : undefined;
}

/** A path inside a record as its messages write it and json-positions.ts finds it again: keys as they are (a record's
 *  keys are the schema's words), `tests[3].outcome`, `(document)` for the root. */
function recordPathText(path: ObjectPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return text || '(document)';
}

function deepPathParts(value: unknown, remaining: number): (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (remaining === 0) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const below = deepPathParts(value[i], remaining - 1);
      if (below) return [...below, i];
    }
    return undefined;
  }
  for (const key in value) {
    const below = deepPathParts((value as Record<string, unknown>)[key], remaining - 1);
    if (below) return [...below, key];
  }
  return undefined;
}

/** True when a parsed JSON document is meant to be a result record (so a folder may hold other JSON files). */
export function looksLikeResultRecord(document: unknown): boolean {
  return typeof document === 'object' && document !== null && 'schemaVersion' in document && 'runId' in document && 'tests' in document;
}

export function describeProblems(problems: SchemaViolation[]): string {
  return problems.slice(0, 3).map((p) => `${p.path}: ${p.problem}`).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}
