/** A small interpreter for the subset of JSON Schema that reporters/result-record.schema.json uses (type, const,
 *  enum, required, properties, additionalProperties, items, minLength, minimum, local $ref). The schema file stays
 *  the single source of truth without a validator dependency, and it is fast enough for a year of records. */
export type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  const?: unknown;
  enum?: readonly unknown[];
  required?: readonly string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minLength?: number;
  minimum?: number;
  [key: string]: unknown;
};

export interface SchemaViolation {
  /** JSON-pointer-like path inside the document, e.g. `tests[3].outcome`. */
  path: string;
  problem: string;
}

const MAX_VIOLATIONS = 10;

type Check = (value: unknown, path: (string | number)[], out: SchemaViolation[]) => void;

/** Compiled once per schema object: a year of records is ~150,000 tests, so no per-value schema walking. */
const compiled = new WeakMap<JsonSchema, Check>();

export function validateAgainstSchema(value: unknown, root: JsonSchema): SchemaViolation[] {
  let check = compiled.get(root);
  if (!check) {
    check = compile(root, root, new Map());
    compiled.set(root, check);
  }
  const violations: SchemaViolation[] = [];
  check(value, [], violations);
  return violations;
}

/** The path is a stack of keys, joined only when something is wrong. */
function pathText(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part;
  return text || '(document)';
}

function compile(schema: JsonSchema, root: JsonSchema, refs: Map<string, Check>): Check {
  if (schema.$ref) {
    const ref = schema.$ref;
    // Late-bound, so recursive definitions compile.
    return (value, path, out) => {
      let target = refs.get(ref);
      if (!target) {
        target = compile(resolveRef(ref, root), root, refs);
        refs.set(ref, target);
      }
      target(value, path, out);
    };
  }
  const hasConst = 'const' in schema;
  const allowed = schema.enum ? new Set(schema.enum) : undefined;
  const items = schema.items ? compile(schema.items, root, refs) : undefined;
  const properties = new Map(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, compile(v, root, refs)]));
  const extra = typeof schema.additionalProperties === 'object' ? compile(schema.additionalProperties, root, refs) : undefined;
  const closed = schema.additionalProperties === false;
  const required = schema.required ?? [];
  return (value, path, out) => {
    if (out.length >= MAX_VIOLATIONS) return;
    if (hasConst && value !== schema.const) return violation(out, path, `must be ${JSON.stringify(schema.const)}, got ${brief(value)}`);
    if (allowed && !allowed.has(value)) {
      return violation(out, path, `must be one of ${schema.enum!.map((v) => JSON.stringify(v)).join(', ')}; got ${brief(value)}`);
    }
    if (schema.type && !hasType(value, schema.type)) return violation(out, path, `must be ${schema.type}, got ${typeName(value)}`);
    if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) return violation(out, path, 'must not be empty');
    if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) return violation(out, path, `must be >= ${schema.minimum}, got ${value}`);
    if (items && Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        items(value[i], path, out);
        path.pop();
      }
    }
    if (!isObject(value)) return;
    for (const key of required) {
      if (!(key in value)) out.push({ path: pathText([...path, key]), problem: 'is required' });
    }
    for (const key in value) {
      const check = properties.get(key) ?? extra;
      if (check) {
        path.push(key);
        check(value[key], path, out);
        path.pop();
      } else if (closed) {
        out.push({ path: pathText([...path, key]), problem: 'is not a known field' });
      }
    }
  };
}

/** Not a closure inside the checks: tsx/esbuild names every function it creates, which costs per call. */
function violation(out: SchemaViolation[], path: readonly (string | number)[], problem: string): void {
  out.push({ path: pathText(path), problem });
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const name = ref.replace(/^#\/\$defs\//, '');
  const target = root.$defs?.[name];
  if (!target) throw new Error(`schema has no definition for ${ref}`);
  return target;
}

function hasType(value: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'integer': return Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    default: return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
