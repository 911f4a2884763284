import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ObjectPath } from '../object-path.ts';
import { NOUN_KEYWORD, PATTERN_HINT_KEYWORD } from './to-json-schema.ts';

/** One thing wrong with a document. `at: 'key'` points a message at a map key (an unknown key), otherwise at the
 *  value (or, for a missing key, at the map that lacks it). */
export interface Violation {
  path: ObjectPath;
  problem: string;
  at: 'key' | 'value';
}

/** A JSON Schema object as ajv hands it back with an error (verbose): the failing keyword's schema or its parent. */
type JsonSchema = Record<string, unknown>;

/** How a schema violation is worded, by who reads it. 'yaml': a person editing a release profile or runner matrix
 *  ("unknown platform "tdx2" (expected one of: …)", "expected a string, got a number (1.3); put it in quotes…").
 *  'record': a result record, written by the harness and read by tools, in the terms of its JSON Schema ("must be
 *  string, got number", "is not a known field"). */
export type Wording = 'yaml' | 'record';

/** The one mapping from an ajv error (keyword, params, the failing value and schema) to a message. `path` is the
 *  error's instancePath decoded; a message may point below it (an unknown key, a duplicate item, a missing field). */
export function describeSchemaError(error: ErrorObject, path: ObjectPath, wording: Wording): Violation {
  return wording === 'yaml' ? yamlWording(error, path) : recordWording(error, path);
}

function yamlWording(error: ErrorObject, path: ObjectPath): Violation {
  const { params, data } = error;
  const parent = error.parentSchema as JsonSchema;
  const value = (problem: string, at: ObjectPath = path): Violation => ({ path: at, problem, at: 'value' });
  switch (error.keyword) {
    case 'type': {
      // YAML reads 1.30 as the number 1.3 and `yes` as true; the fix is almost always quotes.
      const hint = params.type === 'string' && (typeof data === 'number' || typeof data === 'boolean') ? '; put it in quotes to keep it text' : '';
      return value(`expected ${YAML_TYPE_NAMES[String(params.type)] ?? String(params.type)}, got ${describeValue(data)}${hint}`);
    }
    case 'const':
      return value(`expected ${JSON.stringify(params.allowedValue)}, got ${describeValue(data)}`);
    case 'enum':
      return value(`unknown ${nounOf(parent)} ${JSON.stringify(data)} (expected one of: ${listed(params.allowedValues)})`);
    case 'pattern':
      return value(`${JSON.stringify(data)} is not ${(parent[PATTERN_HINT_KEYWORD] as string | undefined) ?? `matching /${String(params.pattern)}/`}`);
    case 'minimum':
      return value(`expected at least ${String(params.limit)}, got ${String(data)}`);
    case 'minItems': {
      const limit = Number(params.limit);
      return value(`expected at least ${limit} item${limit === 1 ? '' : 's'}, got ${(data as unknown[]).length}`);
    }
    case 'uniqueItems': {
      const { index, first } = firstDuplicate(data as unknown[]);
      return value(`duplicate item ${JSON.stringify((data as unknown[])[index])} (also at index ${first})`, [...path, index]);
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties as JsonSchema | undefined) ?? {});
      return { path: [...path, key], problem: `unknown key ${JSON.stringify(key)} (expected one of: ${listed(known)})`, at: 'key' };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      const names = error.schema as JsonSchema;
      return { path: [...path, key], problem: `unknown ${nounOf(names)} ${JSON.stringify(key)} (expected one of: ${listed(names.enum)})`, at: 'key' };
    }
    case 'required': {
      const key = JSON.stringify(params.missingProperty);
      // A map whose keys are data (claims: one per feature) is missing a thing it names, not a field.
      const names = parent.propertyNames as JsonSchema | undefined;
      return value(names ? `missing ${nounOf(names)} ${key}` : `missing required key ${key}`);
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const tags = listed((parent.oneOf as JsonSchema[]).map((variant) => (variant.properties as Record<string, JsonSchema>)[tag]!.const));
      if (!Object.hasOwn(data as object, tag)) return value(`missing required key ${JSON.stringify(tag)} (one of: ${tags})`);
      return value(`unknown ${tag} ${JSON.stringify(params.tagValue)} (expected one of: ${tags})`, [...path, tag]);
    }
    default:
      return value(error.message ?? `fails the schema's ${error.keyword}`);
  }
}

function recordWording(error: ErrorObject, path: ObjectPath): Violation {
  const { params, data } = error;
  const value = (problem: string, at: ObjectPath = path): Violation => ({ path: at, problem, at: 'value' });
  switch (error.keyword) {
    case 'type':
      return value(`must be ${String(params.type)}, got ${jsonTypeOf(data)}`);
    case 'const':
      return value(`must be ${JSON.stringify(params.allowedValue)}, got ${brief(data)}`);
    case 'enum':
      return value(`must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${brief(data)}`);
    case 'pattern':
      return value(`must match ${String(params.pattern)}, got ${brief(data)}`);
    case 'minLength':
      return value(Number(params.limit) === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`);
    case 'minimum':
      return value(`must be >= ${String(params.limit)}, got ${String(data)}`);
    case 'required':
      return value('is required', [...path, String(params.missingProperty)]);
    case 'additionalProperties':
      return value('is not a known field', [...path, String(params.additionalProperty)]);
    default:
      return value(error.message ?? `fails the schema's ${error.keyword}`);
  }
}

const YAML_TYPE_NAMES: Partial<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
};

/** A value as a YAML author knows it: a map, a list, a string ("x"), an integer (2). */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
  return `a ${typeof value} (${String(value)})`;
}

function nounOf(schema: JsonSchema): string {
  return (schema[NOUN_KEYWORD] as string | undefined) ?? 'value';
}

function listed(values: unknown): string {
  return (values as unknown[]).join(', ');
}

/** The first item equal to an earlier one (as JSON, map keys in any order, as uniqueItems compares), and that
 *  earlier one's index. */
function firstDuplicate(items: readonly unknown[]): { index: number; first: number } {
  const seen = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const key = canonicalJson(item);
    const first = seen.get(key);
    if (first !== undefined) return { index, first };
    seen.set(key, index);
  }
  throw new Error('failed to find the duplicate item uniqueItems reported: every item is distinct');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

function jsonTypeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** A value quoted in a record message, cut to a glance. */
function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
