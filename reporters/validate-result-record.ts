import { readFileSync } from 'node:fs';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord } from './result-record.ts';
import { validateAgainstSchema, type JsonSchema, type SchemaViolation } from './schema-validator.ts';

/** The shipped schema, read once: reporters/result-record.schema.json is the contract other tools can use too. */
export const RESULT_RECORD_SCHEMA: JsonSchema = JSON.parse(
  readFileSync(new URL('./result-record.schema.json', import.meta.url), 'utf8'),
) as JsonSchema;

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
  const problems = validateAgainstSchema(document, RESULT_RECORD_SCHEMA);
  return problems.length === 0 ? { ok: true, record: document as ResultRecord } : { ok: false, problems };
}

/** A record is about 6 levels deep. The schema walk and its messages (which quote values) recurse through what they
 *  look at, so a document of a million nested lists is refused before them. */
const MAX_RECORD_DEPTH = 32;

/** The path of the first value nested deeper than `remaining` levels, or undefined. The recursion stops at the
 *  limit, and nothing is allocated unless a path is found: this runs over every value of every record. */
function findDeepValue(value: unknown, remaining: number): string | undefined {
  const parts = deepPathParts(value, remaining);
  if (!parts) return undefined;
  let path = '';
  for (const part of parts.reverse()) path += typeof part === 'number' ? `[${part}]` : path ? `.${part}` : part;
  return path || '(document)';
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
