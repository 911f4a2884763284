import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { jsonSchemaFiles } from '../../matrix/schema/json-schema-files.ts';

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
