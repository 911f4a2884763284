import type { SchemaNode } from './schema-node.ts';

type Json = Record<string, unknown>;

/** Renders a schema node as JSON Schema (draft 2020-12), for editors (yaml-language-server) and other tools.
 *  The TypeScript schema stays the source of truth; test/matrix checks the .schema.json files are in sync. */
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
        ...(node.pattern ? { pattern: node.pattern.source } : {}),
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
        ...(node.keys ? { propertyNames: { enum: [...node.keys.enum] } } : {}),
        ...(node.keys?.requireAll ? { required: [...node.keys.enum] } : {}),
        additionalProperties: convert(node.values),
      });
    case 'union':
      return described({ oneOf: Object.values(node.variants).map(convert) });
  }
}
