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

export function validateAgainstSchema(value: unknown, root: JsonSchema): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  check(value, root, root, '', violations);
  return violations;
}

function check(value: unknown, schema: JsonSchema, root: JsonSchema, path: string, out: SchemaViolation[]): void {
  if (out.length >= MAX_VIOLATIONS) return;
  if (schema.$ref) return check(value, resolveRef(schema.$ref, root), root, path, out);
  const fail = (problem: string): void => void out.push({ path: path || '(document)', problem });
  if ('const' in schema && value !== schema.const) return fail(`must be ${JSON.stringify(schema.const)}, got ${brief(value)}`);
  if (schema.enum && !schema.enum.includes(value)) {
    return fail(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}; got ${brief(value)}`);
  }
  if (schema.type && !hasType(value, schema.type)) return fail(`must be ${schema.type}, got ${typeName(value)}`);
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength) {
    return fail(`must not be empty`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    return fail(`must be >= ${schema.minimum}, got ${value}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => check(item, schema.items!, root, `${path}[${i}]`, out));
  }
  if (isObject(value)) checkObject(value, schema, root, path, out);
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, root: JsonSchema, path: string, out: SchemaViolation[]) {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  for (const key of schema.required ?? []) {
    if (!(key in value)) out.push({ path: at(key), problem: 'is required' });
  }
  for (const [key, child] of Object.entries(value)) {
    const known = schema.properties?.[key];
    if (known) check(child, known, root, at(key), out);
    else if (schema.additionalProperties === false) out.push({ path: at(key), problem: 'is not a known field' });
    else if (typeof schema.additionalProperties === 'object') check(child, schema.additionalProperties, root, at(key), out);
  }
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
