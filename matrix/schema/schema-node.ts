/** A small schema language for the YAML formats (release profile, runner matrix). It is close to JSON Schema and
 *  rendered as it (to-json-schema.ts): the loaders validate against that JSON Schema (validate.ts), and the
 *  editor-facing .schema.json files are it. It is built from the shared vocabularies in TypeScript, so an enum can
 *  never drift from matrix/vocabulary.ts, and every node knows the noun its messages use ("unknown platform",
 *  "unknown claim status"). */

export type SchemaNode =
  | StringNode
  | { kind: 'integer'; minimum?: number; description?: string }
  | { kind: 'boolean'; description?: string }
  | { kind: 'const'; value: string | number | boolean; description?: string }
  | ArrayNode
  | ObjectNode
  | RecordNode
  | UnionNode
  | { kind: 'any'; description?: string };

export interface StringNode {
  kind: 'string';
  enum?: readonly string[];
  /** What a value of the enum is called in messages: "platform", "claim status". */
  noun?: string;
  pattern?: RegExp;
  /** How a pattern reads to a person: 'a release tag like "v0.9.0"'. */
  patternHint?: string;
  description?: string;
}

export interface ArrayNode {
  kind: 'array';
  items: SchemaNode;
  minItems?: number;
  /** Items must be distinct (compared as JSON). */
  unique?: boolean;
  description?: string;
}

export interface Property {
  schema: SchemaNode;
  required: boolean;
}

export interface ObjectNode {
  kind: 'object';
  properties: Record<string, Property>;
  description?: string;
}

/** A map whose keys are data (platform ids, overlay names), every value of one shape. */
export interface RecordNode {
  kind: 'record';
  values: SchemaNode;
  keys?: { enum: readonly string[]; noun: string; requireAll?: boolean };
  description?: string;
}

/** One of several object shapes, chosen by the value of `tag` (install.method, uninstall[].action). */
export interface UnionNode {
  kind: 'union';
  tag: string;
  variants: Record<string, ObjectNode>;
  description?: string;
}

export const str = (options: Omit<StringNode, 'kind'> = {}): StringNode => ({ kind: 'string', ...options });
export const oneOf = (values: readonly string[], noun: string): StringNode => ({ kind: 'string', enum: values, noun });
export const int = (minimum = 0): SchemaNode => ({ kind: 'integer', minimum });
export const anything = (): SchemaNode => ({ kind: 'any' });
export const bool = (): SchemaNode => ({ kind: 'boolean' });
export const literal = (value: string | number | boolean): SchemaNode => ({ kind: 'const', value });
export const list = (items: SchemaNode, options: Omit<ArrayNode, 'kind' | 'items'> = {}): ArrayNode => ({
  kind: 'array',
  items,
  ...options,
});
export const record = (values: SchemaNode, keys?: RecordNode['keys']): RecordNode => ({ kind: 'record', values, keys });
export const union = (tag: string, variants: Record<string, ObjectNode>): UnionNode => ({ kind: 'union', tag, variants });

/** Marks a property as required; `opt` as optional. */
export const req = (schema: SchemaNode): Property => ({ schema, required: true });
export const opt = (schema: SchemaNode): Property => ({ schema, required: false });
export const obj = (properties: Record<string, Property>, description?: string): ObjectNode => ({
  kind: 'object',
  properties,
  description,
});
