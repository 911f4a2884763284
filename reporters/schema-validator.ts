/** A small compiler for the subset of JSON Schema that reporters/result-record.schema.json uses (type, const,
 *  enum, required, properties, additionalProperties, items, minLength, minimum, local $ref). The schema file stays
 *  the single source of truth without a validator dependency. It is compiled once into plain JavaScript — one
 *  function per schema node, properties dispatched by a switch — because a year of nights is millions of values
 *  and a checker that consults the schema per value costs as much as parsing the JSON. */
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

/** Compiled once per schema object. */
const compiled = new WeakMap<JsonSchema, Check>();

export function validateAgainstSchema(value: unknown, root: JsonSchema): SchemaViolation[] {
  let check = compiled.get(root);
  if (!check) {
    check = compile(root);
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

/** Writes one function per structured schema node (objects, arrays, definitions): for a value, the node's const,
 *  enum, type, minLength and minimum checks in that order (the first that fails is the node's one violation), then
 *  its array items and object members. A member whose schema has only such checks (most of them: strings, numbers,
 *  enums) is checked inline in its parent's switch, so few functions need to warm up. The source is built from the
 *  shipped schema only; every name in it goes through JSON.stringify, and the values the checks compare with are
 *  passed in, never written into the code. */
function compile(root: JsonSchema): Check {
  const functions: string[] = [];
  const constants: unknown[] = [];
  const constant = (value: unknown) => `K[${constants.push(value) - 1}]`;
  const byRef = new Map<string, string>();
  const resolved = (schema: JsonSchema): JsonSchema => (schema.$ref ? resolved(resolveRef(schema.$ref, root)) : schema);
  const isLeaf = (schema: JsonSchema) => {
    const target = resolved(schema);
    return !target.items && !target.properties && !target.required && target.additionalProperties === undefined;
  };
  /** The value checks of a node on `x`, as one if / else-if chain; `fail(message)` is the statement for a failure. */
  const valueChecks = (schema: JsonSchema, x: string, fail: (message: string) => string): string => {
    const branches: string[] = [];
    if ('const' in schema) branches.push(`if (${x} !== ${constant(schema.const)}) ${fail(`${constant(`must be ${JSON.stringify(schema.const)}, got `)} + B(${x})`)}`);
    if (schema.enum) {
      const listed = schema.enum.map((e) => JSON.stringify(e)).join(', ');
      branches.push(`if (!${constant(new Set(schema.enum))}.has(${x})) ${fail(`${constant(`must be one of ${listed}; got `)} + B(${x})`)}`);
    }
    if (schema.type) branches.push(`if (!(${typeTest(schema.type, x)})) ${fail(`${JSON.stringify(`must be ${schema.type}, got `)} + T(${x})`)}`);
    if (schema.minLength !== undefined) branches.push(`if (typeof ${x} === 'string' && ${x}.length < ${Number(schema.minLength)}) ${fail(`'must not be empty'`)}`);
    if (schema.minimum !== undefined) {
      branches.push(`if (typeof ${x} === 'number' && ${x} < ${Number(schema.minimum)}) ${fail(`${JSON.stringify(`must be >= ${schema.minimum}, got `)} + ${x}`)}`);
    }
    return branches.join(' else ');
  };
  /** The statement that checks `v[k]` against a member's schema. */
  const memberCheck = (schema: JsonSchema): string => {
    if (!isLeaf(schema)) return `p.push(k); ${nodeFunction(schema)}(v[k], p, o); p.pop();`;
    const checks = valueChecks(resolved(schema), 'x', (message) => `{ p.push(k); V(o, p, ${message}); p.pop(); }`);
    return checks ? `if (o.length < ${MAX_VIOLATIONS}) { const x = v[k]; ${checks} }` : '';
  };
  const nodeFunction = (schema: JsonSchema): string => {
    const key = schema.$ref;
    const known = key ? byRef.get(key) : undefined;
    if (known) return known;
    const name = `n${functions.length}`;
    if (key) byRef.set(key, name);
    functions.push(''); // the slot is taken first: a definition may refer to itself
    functions[Number(name.slice(1))] = nodeSource(name, resolved(schema));
    return name;
  };
  const nodeSource = (name: string, schema: JsonSchema): string => {
    const lines = [`function ${name}(v, p, o) {`, `  if (o.length >= ${MAX_VIOLATIONS}) return;`];
    const checks = valueChecks(schema, 'v', (message) => `return V(o, p, ${message});`);
    if (checks) lines.push(`  ${checks}`);
    if (schema.items) {
      const items = schema.items;
      const each = isLeaf(items)
        ? `if (o.length < ${MAX_VIOLATIONS}) { const x = v[i]; ${valueChecks(resolved(items), 'x', (message) => `{ p.push(i); V(o, p, ${message}); p.pop(); }`)} }`
        : `p.push(i); ${nodeFunction(items)}(v[i], p, o); p.pop();`;
      lines.push(`  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) { ${each} }`);
    }
    if (schema.properties || schema.required || schema.additionalProperties !== undefined) {
      lines.push(`  if (typeof v !== 'object' || v === null || Array.isArray(v)) return;`);
      for (const key of schema.required ?? []) {
        lines.push(`  if (!(${JSON.stringify(key)} in v)) o.push({ path: P([...p, ${JSON.stringify(key)}]), problem: 'is required' });`);
      }
      const cases = Object.entries(schema.properties ?? {}).map(([key, property]) => `      case ${JSON.stringify(key)}: ${memberCheck(property)} break;`);
      const extra = schema.additionalProperties;
      const otherwise = typeof extra === 'object' ? memberCheck(extra)
        : extra === false ? `o.push({ path: P([...p, k]), problem: 'is not a known field' });` : '';
      lines.push('  for (const k in v) {', '    switch (k) {', ...cases, `      default: ${otherwise}`, '    }', '  }');
    }
    lines.push('}');
    return lines.join('\n');
  };
  const entry = nodeFunction(root);
  // Generated from the shipped schema, as said above.
  const factory = new Function('K', 'V', 'B', 'T', 'P', `${functions.join('\n')}\nreturn ${entry};`) as (...helpers: unknown[]) => Check;
  return factory(constants, violation, brief, typeName, pathText);
}

/** The JSON Schema type test of the value named `x`, as source. */
function typeTest(type: NonNullable<JsonSchema['type']>, x: string): string {
  switch (type) {
    case 'object': return `typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})`;
    case 'array': return `Array.isArray(${x})`;
    case 'integer': return `Number.isInteger(${x})`;
    case 'number': return `typeof ${x} === 'number' && Number.isFinite(${x})`;
    case 'string': case 'boolean': return `typeof ${x} === ${JSON.stringify(type)}`;
  }
}

function violation(out: SchemaViolation[], path: readonly (string | number)[], problem: string): void {
  out.push({ path: pathText(path), problem });
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  const name = ref.replace(/^#\/\$defs\//, '');
  const target = root.$defs?.[name];
  if (!target) throw new Error(`schema has no definition for ${ref}`);
  return target;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
