import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { loadOnFirstUse } from '../load-on-first-use.ts';
import type { ObjectPath, PathSegment } from '../object-path.ts';
import type { SchemaNode } from './schema-node.ts';
import { NOUN_KEYWORD, PATTERN_HINT_KEYWORD, toJsonSchema } from './to-json-schema.ts';
import { describeSchemaError, type Violation, type Wording } from './violation-wording.ts';

export type JsonSchema = Record<string, unknown>;

/** A compiled schema. */
export interface SchemaCheck {
  /** Every violation, in document order (see violationsInDocumentOrder), or the first `limit`; empty when valid. ajv
   *  keeps every error it meets for this, so its memory grows with the number of violations. */
  violations(value: unknown, limit?: number): Violation[];
  /** Undefined when valid; otherwise the first violation ajv meets, which is in the order of the schema's keywords,
   *  not of the document. ajv stops there: one pass at most, whatever the document holds. */
  firstMet(value: unknown): Violation | undefined;
  /** Whether `value` is valid, by the first-error mode, describing nothing: a caller that must look at an invalid
   *  value before its problem is worded (a record nested too deep to quote) asks this first. */
  passes(value: unknown): boolean;
}

/** The one validator of the harness: release profiles, runner matrices and result records are all checked by ajv
 *  against JSON Schemas, compiled once each. verbose, so the wording can quote the value and read the annotations
 *  of the schema that failed. strictRequired is off: a map whose keys are data (claims) requires keys that
 *  propertyNames, not properties, defines. validateSchema is off: checking a schema against the draft 2020-12
 *  meta-schema compiles the meta-schema first, a tenth of a second at every start; test/matrix/json-schema.spec.ts
 *  checks the shipped schemas against it instead. */
const OPTIONS = { verbose: true, discriminator: true, strict: true, strictRequired: false, validateSchema: false } as const;
/** ajv, loaded at the first compile (loadOnFirstUse): a start that validates nothing never pays for it. */
const ajv = loadOnFirstUse<typeof import('ajv/dist/2020.js')>('ajv/dist/2020.js');
let instances: { everyError: Ajv2020; firstError: Ajv2020 } | undefined;
/** Two instances: document order needs every error (ajv reports in the order of its schema keywords, so they are
 *  sorted after); the first error alone stops ajv at it. */
function validators(): { everyError: Ajv2020; firstError: Ajv2020 } {
  if (!instances) {
    const { Ajv2020: Ajv } = ajv();
    instances = { everyError: new Ajv({ ...OPTIONS, allErrors: true }), firstError: new Ajv({ ...OPTIONS, allErrors: false }) };
    for (const instance of Object.values(instances)) instance.addVocabulary([NOUN_KEYWORD, PATTERN_HINT_KEYWORD]);
  }
  return instances;
}

/** ajv's standalone code generator, loaded only by the build (firstErrorModuleSource). */
const standalone = loadOnFirstUse<typeof import('ajv/dist/standalone/index.js')>('ajv/dist/standalone/index.js');

/** Compiles a JSON Schema into a check whose messages use `wording`; each ajv mode is compiled on first use.
 *  `precompiledFirstError`: the first-error mode as the build compiled it from this same schema
 *  (firstErrorModuleSource), so a start that checks thousands of records compiles nothing. */
export function compileSchema(schema: JsonSchema, wording: Wording, precompiledFirstError?: ValidateFunction): SchemaCheck {
  let every: ValidateFunction | undefined;
  let first: ValidateFunction | undefined = precompiledFirstError;
  const firstError = () => (first ??= validators().firstError.compile(withLocalRefs(schema)));
  return {
    violations(value, limit = Infinity) {
      every ??= validators().everyError.compile(inlineLocalRefs(schema));
      return every(value) ? [] : violationsInDocumentOrder(every.errors ?? [], value, wording, limit);
    },
    passes(value) {
      return firstError()(value) as boolean;
    },
    firstMet(value) {
      const check = firstError();
      if (check(value)) return undefined;
      const errors = check.errors ?? [];
      const error = errors.find((e) => e.propertyName === undefined) ?? errors[0]!;
      return describeSchemaError(error, decodePath(error.instancePath, value, new KeyPositions()).path, wording);
    },
  };
}

/** The first-error check of `schema` as the source of a CommonJS module exporting the validate function: ajv's
 *  standalone code, from an instance with the options and vocabulary of the runtime one, over the same schema —
 *  what compileSchema's first-error mode would compile, written once by the build instead of at every start.
 *  test/reporters/precompiled-record-check.spec.ts holds the two to the same verdicts. */
export function firstErrorModuleSource(schema: JsonSchema): string {
  const { Ajv2020: Ajv } = ajv();
  const instance = new Ajv({ ...OPTIONS, allErrors: false, code: { source: true } });
  instance.addVocabulary([NOUN_KEYWORD, PATTERN_HINT_KEYWORD]);
  return standalone().default(instance, instance.compile(withLocalRefs(schema)));
}

/** The schema as the first-error mode compiles it: its local references kept, so ajv writes a function per definition
 *  (a record's test, its expectation) rather than one function of everything. Stopping at the first error, a
 *  reference costs nothing more; and V8 optimises a small function a report calls 150,000 times early and cheaply,
 *  where optimising the record check inlined whole (80 KB of code) took a fifth of a report's time on a 2-core
 *  machine (npm run bench:report). Only its `$id` goes: ajv refuses a second schema under an id it holds. */
function withLocalRefs(schema: JsonSchema): JsonSchema {
  const { $id: _id, ...body } = schema;
  return body;
}

const checksOfNodes = new WeakMap<SchemaNode, SchemaCheck>();

/** The first violation of `value`, in document order, against a schema of the YAML formats (their JSON Schema,
 *  compiled once), or undefined. A YAML input is small (yaml-limits.ts), so listing every error costs little. */
export function findViolation(value: unknown, schema: SchemaNode): Violation | undefined {
  let check = checksOfNodes.get(schema);
  if (!check) {
    check = compileSchema(toJsonSchema(schema), 'yaml');
    checksOfNodes.set(schema, check);
  }
  return check.violations(value, 1)[0];
}

/** The schema with every local reference ("#/$defs/name") replaced by its definition. Under allErrors ajv appends
 *  the errors of a referenced schema to a copy of all the errors before them, at every use: a record with
 *  thousands of bad tests would take minutes. Inlined, every error is one push. Its `$id` goes too: with no
 *  reference left it names nothing, and ajv refuses a second schema under an id it holds. */
export function inlineLocalRefs(schema: JsonSchema): JsonSchema {
  const { $defs, $id: _id, ...body } = schema;
  const definitions = ($defs ?? {}) as Record<string, unknown>;
  const inline = (node: unknown, via: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => inline(item, via));
    if (typeof node !== 'object' || node === null) return node;
    const { $ref, ...rest } = node as JsonSchema;
    const inlinedRest = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inline(value, via)]));
    if ($ref === undefined) return inlinedRest;
    const name = /^#\/\$defs\/([^/]+)$/.exec(String($ref))?.[1];
    if (name === undefined || !Object.hasOwn(definitions, name)) {
      throw new Error(`failed to inline the schema reference ${String($ref)}: only "#/$defs/<name>" of the same schema is supported`);
    }
    if (via.includes(name)) throw new Error(`failed to inline the schema reference ${String($ref)}: the definition refers to itself`);
    const definition = inline(definitions[name], [...via, name]);
    if (Object.keys(inlinedRest).length === 0) return definition;
    return { ...inlinedRest, allOf: [...((inlinedRest.allOf as unknown[] | undefined) ?? []), definition] };
  };
  return inline(body, []) as JsonSchema;
}

/** Where an error sits among the others, as a sort key compared element by element: the position of each map key
 *  (its index among the map's keys as written) or list index down to the value the error is about, then a rank
 *  there. A value's own checks rank before its children (a wrong type says more than anything inside), an unknown
 *  key before what is under it, and what needs all the children seen — missing keys, too few items, duplicates —
 *  after them, so a mistake the user wrote is reported before one they have not written yet. */
const RANK = { unknownKey: -2, ownCheck: -1, afterChildren: Infinity };
/** Within a value's own checks: the type first, then what it is compared with, then the finer checks. */
const OWN_CHECK_ORDER: Partial<Record<string, number>> = { type: 0, const: 1, enum: 1, discriminator: 2 };
const OWN_CHECK_OTHERS = 3; // pattern, minimum, minLength, …
/** Within what comes after the children: missing keys (in the order the schema lists them), then list-wide checks. */
const AFTER_CHILDREN_ORDER: Partial<Record<string, number>> = { required: 0, minItems: 1, uniqueItems: 2 };

interface Placed {
  error: ErrorObject;
  path: ObjectPath;
  sortKey: number[];
  ownCheck: boolean;
}

/** ajv's errors sorted into document order, with one own-check error per value (ajv reports both the type and the
 *  enum of `5` against a string enum; the type is the one that helps), the first `limit` described. */
function violationsInDocumentOrder(errors: readonly ErrorObject[], root: unknown, wording: Wording, limit: number): Violation[] {
  const keyPositions = new KeyPositions();
  const placed: Placed[] = [];
  for (const error of errors) {
    // An enum inside propertyNames reports the key's own failure; the propertyNames error after it says the same.
    if (error.propertyName !== undefined) continue;
    const { path, positions, value } = decodePath(error.instancePath, root, keyPositions);
    const unknownKey = unknownKeyOf(error);
    const afterChildren = AFTER_CHILDREN_ORDER[error.keyword];
    const sortKey =
      unknownKey !== undefined ? [...positions, keyPositions.of(value, unknownKey), RANK.unknownKey, 0]
      : afterChildren !== undefined ? [...positions, RANK.afterChildren, afterChildren]
      : [...positions, RANK.ownCheck, OWN_CHECK_ORDER[error.keyword] ?? OWN_CHECK_OTHERS];
    placed.push({ error, path, sortKey, ownCheck: unknownKey === undefined && afterChildren === undefined });
  }
  placed.sort((a, b) => compareKeys(a.sortKey, b.sortKey)); // stable: ties keep ajv's order (required keys as listed)
  const violations: Violation[] = [];
  const checkedValues = new Set<string>();
  for (const { error, path, ownCheck } of placed) {
    if (violations.length >= limit) break;
    if (ownCheck) {
      if (checkedValues.has(error.instancePath)) continue;
      checkedValues.add(error.instancePath);
    }
    violations.push(describeSchemaError(error, path, wording));
  }
  return violations;
}

function unknownKeyOf(error: ErrorObject): string | undefined {
  if (error.keyword === 'additionalProperties') return String(error.params.additionalProperty);
  if (error.keyword === 'propertyNames') return String(error.params.propertyName);
  return undefined;
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** An ajv instancePath (a JSON Pointer) as a path of keys and list indexes, the document position of each, and the
 *  value it leads to. */
function decodePath(pointer: string, root: unknown, keyPositions: KeyPositions): { path: ObjectPath; positions: number[]; value: unknown } {
  const path: PathSegment[] = [];
  const positions: number[] = [];
  let node = root;
  if (pointer === '') return { path, positions, value: node };
  for (const escaped of pointer.slice(1).split('/')) {
    const key = escaped.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      positions.push(index);
      node = node[index];
    } else {
      path.push(key);
      positions.push(keyPositions.of(node, key));
      node = (node as Record<string, unknown>)[key];
    }
  }
  return { path, positions, value: node };
}

/** The index of a key among its map's keys, in the order the document has them; each map's keys listed once. */
class KeyPositions {
  private readonly byMap = new Map<object, Map<string, number>>();

  of(map: unknown, key: string): number {
    if (typeof map !== 'object' || map === null) return 0;
    let keys = this.byMap.get(map);
    if (!keys) {
      keys = new Map(Object.keys(map).map((k, i) => [k, i]));
      this.byMap.set(map, keys);
    }
    return keys.get(key) ?? keys.size;
  }
}
