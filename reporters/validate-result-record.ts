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

/** True when a parsed JSON document is meant to be a result record (so a folder may hold other JSON files). */
export function looksLikeResultRecord(document: unknown): boolean {
  return typeof document === 'object' && document !== null && 'schemaVersion' in document && 'runId' in document && 'tests' in document;
}

export function describeProblems(problems: SchemaViolation[]): string {
  return problems.slice(0, 3).map((p) => `${p.path}: ${p.problem}`).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
}
