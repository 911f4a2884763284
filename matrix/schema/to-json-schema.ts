import type { SchemaNode } from './schema-node.ts';

type Json = Record<string, unknown>;

/** What a value of an enum, or a key of a record, is called in messages. */
export const NOUN_KEYWORD = 'x-noun';
/** How a pattern reads to a person. */
export const PATTERN_HINT_KEYWORD = 'x-patternHint';

/** Renders a schema node as JSON Schema (draft 2020-12): the schema the loaders validate with (validate.ts) and the
 *  .schema.json files for editors (yaml-language-server) and other tools. The TypeScript schema stays the source of
 *  truth; test/matrix checks the .schema.json files are in sync. Two annotations carry what messages call things
 *  (NOUN_KEYWORD: "unknown platform"; PATTERN_HINT_KEYWORD: 'is not a release tag like "v0.9.0"'); a union becomes a
 *  `discriminator` over its tag, so a value is checked against the one variant its tag names. */
export function toJsonSchema(node: SchemaNode, title?: string): Json {
  const body = convert(node);
  return title ? { $schema: 'https://json-schema.org/draft/2020-12/schema', title, ...body } : body;
}

function convert(node: SchemaNode): Json {
  const described = (json: Json): Json => (node.description ? { description: node.description, ...json } : json);
  switch (node.kind) {
    case 'string':
      return described({
        type: 'string',
        ...(node.enum ? { enum: [...node.enum] } : {}),
        ...(node.enum && node.noun ? { [NOUN_KEYWORD]: node.noun } : {}),
        ...(node.pattern ? { pattern: node.pattern.source } : {}),
        ...(node.pattern && node.patternHint ? { [PATTERN_HINT_KEYWORD]: node.patternHint } : {}),
      });
    case 'integer':
      return described({ type: 'integer', ...(node.minimum !== undefined ? { minimum: node.minimum } : {}) });
    case 'boolean':
      return described({ type: 'boolean' });
    case 'const':
      return described({ const: node.value });
    case 'any':
      return described({});
    case 'array':
      return described({
        type: 'array',
        items: convert(node.items),
        ...(node.minItems !== undefined ? { minItems: node.minItems } : {}),
        ...(node.unique ? { uniqueItems: true } : {}),
      });
    case 'object':
      return described({
        type: 'object',
        properties: Object.fromEntries(Object.entries(node.properties).map(([key, p]) => [key, convert(p.schema)])),
        required: Object.entries(node.properties).filter(([, p]) => p.required).map(([key]) => key),
        additionalProperties: false,
      });
    case 'record':
      return described({
        type: 'object',
        ...(node.keys ? { propertyNames: { enum: [...node.keys.enum], [NOUN_KEYWORD]: node.keys.noun } } : {}),
        ...(node.keys?.requireAll ? { required: [...node.keys.enum] } : {}),
        additionalProperties: convert(node.values),
      });
    case 'union':
      return described({
        type: 'object',
        discriminator: { propertyName: node.tag },
        oneOf: Object.values(node.variants).map(convert),
      });
  }
}
