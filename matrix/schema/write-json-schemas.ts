// Regenerates matrix/schema/*.schema.json after a change to the TypeScript schemas: npx tsx matrix/schema/write-json-schemas.ts
import { writeFileSync } from 'node:fs';
import { jsonSchemaFiles } from './json-schema-files.ts';

for (const { file, content } of jsonSchemaFiles()) {
  writeFileSync(file, content);
  console.log(`wrote ${file}`);
}
