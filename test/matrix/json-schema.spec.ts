import { expect, test } from '@playwright/test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { jsonSchemaFiles } from '../../matrix/schema/json-schema-files.ts';
import { compileSchema } from '../../matrix/schema/validate.ts';
import { RESULT_RECORD_SCHEMA } from '../../reporters/validate-result-record.ts';

test('the .schema.json files match the TypeScript schemas (regenerate: npx tsx matrix/schema/write-json-schemas.ts)', () => {
  const files = jsonSchemaFiles();
  expect(files).toHaveLength(2);
  for (const { file, content } of files) expect(readFileSync(file, 'utf8'), file).toBe(content);
});

test('the release profile JSON Schema closes every object and lists the claim vocabulary', () => {
  const schema = JSON.parse(jsonSchemaFiles()[0]!.content);
  expect(schema.additionalProperties).toBe(false);
  expect(schema.required).toContain('claims');
  const claim = schema.properties.claims.additionalProperties.additionalProperties;
  expect(claim.properties.status.enum).toEqual(['supported', 'limitation', 'unsupported', 'not-applicable']);
});

test('every shipped JSON Schema is valid draft 2020-12 and compiles in strict mode', () => {
  // The loaders skip the meta-schema check at run time (it costs a tenth of a second at every start); this is it.
  const metaCheck = new Ajv2020({ strict: false });
  const schemas = [
    ...jsonSchemaFiles().map(({ file, content }) => ({ file, schema: JSON.parse(content) as Record<string, unknown> })),
    { file: 'reporters/result-record.schema.json', schema: RESULT_RECORD_SCHEMA },
  ];
  expect(schemas).toHaveLength(3);
  for (const { file, schema } of schemas) {
    expect(metaCheck.validateSchema(schema), `${file}: ${metaCheck.errorsText()}`).toBe(true);
    expect(() => compileSchema(schema, 'yaml').violations({}), file).not.toThrow();
  }
});
