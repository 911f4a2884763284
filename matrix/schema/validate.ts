import type { ObjectPath } from '../object-path.ts';
import type { ArrayNode, ObjectNode, RecordNode, SchemaNode, StringNode, UnionNode } from './schema-node.ts';

/** The first thing wrong with a document. `at: 'key'` points a message at a map key (an unknown key), otherwise at
 *  the value (or, for a missing key, at the map that lacks it). */
export interface Violation {
  path: ObjectPath;
  problem: string;
  at: 'key' | 'value';
}

class ViolationFound extends Error {
  constructor(readonly violation: Violation) {
    super(violation.problem);
  }
}

/** Checks `value` against `schema` and returns the first violation in document order, or undefined.
 *  Children are checked before a map's missing keys, so a mistake the user wrote is reported before one they
 *  have not written yet. */
export function findViolation(value: unknown, schema: SchemaNode): Violation | undefined {
  try {
    check(value, schema, []);
    return undefined;
  } catch (error) {
    if (error instanceof ViolationFound) return error.violation;
    throw error;
  }
}

function fail(path: ObjectPath, problem: string, at: Violation['at'] = 'value'): never {
  throw new ViolationFound({ path, problem, at });
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
  return `a ${typeof value} (${String(value)})`;
}

const oneOfList = (values: readonly string[]) => values.join(', ');

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function check(value: unknown, schema: SchemaNode, path: ObjectPath): void {
  switch (schema.kind) {
    case 'string':
      return checkString(value, schema, path);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, `expected an integer, got ${describeValue(value)}`);
      if (schema.minimum !== undefined && value < schema.minimum) fail(path, `expected at least ${schema.minimum}, got ${value}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(path, `expected true or false, got ${describeValue(value)}`);
      return;
    case 'const':
      if (value !== schema.value) fail(path, `expected ${JSON.stringify(schema.value)}, got ${describeValue(value)}`);
      return;
    case 'array':
      return checkArray(value, schema, path);
    case 'object':
      return checkObject(value, schema, path);
    case 'record':
      return checkRecord(value, schema, path);
    case 'union':
      return checkUnion(value, schema, path);
    case 'any':
      return;
  }
}

function checkString(value: unknown, schema: StringNode, path: ObjectPath): void {
  if (typeof value !== 'string') {
    // YAML reads 1.30 as the number 1.3 and `yes` as true; the fix is almost always quotes.
    const hint = typeof value === 'number' || typeof value === 'boolean' ? '; put it in quotes to keep it text' : '';
    fail(path, `expected a string, got ${describeValue(value)}${hint}`);
  }
  if (schema.enum && !schema.enum.includes(value)) {
    fail(path, `unknown ${schema.noun ?? 'value'} ${JSON.stringify(value)} (expected one of: ${oneOfList(schema.enum)})`);
  }
  if (schema.pattern && !schema.pattern.test(value)) {
    fail(path, `${JSON.stringify(value)} is not ${schema.patternHint ?? `matching ${schema.pattern}`}`);
  }
}

function checkArray(value: unknown, schema: ArrayNode, path: ObjectPath): void {
  if (!Array.isArray(value)) fail(path, `expected a list, got ${describeValue(value)}`);
  value.forEach((item, index) => check(item, schema.items, [...path, index]));
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    fail(path, `expected at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}, got ${value.length}`);
  }
  if (schema.unique) {
    const seen = new Map<string, number>();
    value.forEach((item, index) => {
      const key = JSON.stringify(item);
      const first = seen.get(key);
      if (first !== undefined) fail([...path, index], `duplicate item ${key} (also at index ${first})`);
      seen.set(key, index);
    });
  }
}

function checkObject(value: unknown, schema: ObjectNode, path: ObjectPath): void {
  if (!isMap(value)) fail(path, `expected a map, got ${describeValue(value)}`);
  const known = Object.keys(schema.properties);
  for (const [key, child] of Object.entries(value)) {
    // Own keys only: a key named "constructor" must not find Object.prototype.constructor.
    const property = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    if (!property) fail([...path, key], `unknown key ${JSON.stringify(key)} (expected one of: ${oneOfList(known)})`, 'key');
    check(child, property.schema, [...path, key]);
  }
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.required && !(key in value)) fail(path, `missing required key ${JSON.stringify(key)}`);
  }
}

function checkRecord(value: unknown, schema: RecordNode, path: ObjectPath): void {
  if (!isMap(value)) fail(path, `expected a map, got ${describeValue(value)}`);
  for (const [key, child] of Object.entries(value)) {
    if (schema.keys && !schema.keys.enum.includes(key)) {
      fail([...path, key], `unknown ${schema.keys.noun} ${JSON.stringify(key)} (expected one of: ${oneOfList(schema.keys.enum)})`, 'key');
    }
    check(child, schema.values, [...path, key]);
  }
  if (schema.keys?.requireAll) {
    for (const key of schema.keys.enum) {
      if (!(key in value)) fail(path, `missing ${schema.keys.noun} ${JSON.stringify(key)}`);
    }
  }
}

function checkUnion(value: unknown, schema: UnionNode, path: ObjectPath): void {
  if (!isMap(value)) fail(path, `expected a map, got ${describeValue(value)}`);
  const tags = Object.keys(schema.variants);
  if (!(schema.tag in value)) fail(path, `missing required key ${JSON.stringify(schema.tag)} (one of: ${oneOfList(tags)})`);
  const tag = value[schema.tag];
  const variant = typeof tag === 'string' ? schema.variants[tag] : undefined;
  if (!variant) fail([...path, schema.tag], `unknown ${schema.tag} ${JSON.stringify(tag)} (expected one of: ${oneOfList(tags)})`);
  checkObject(value, variant, path);
}
