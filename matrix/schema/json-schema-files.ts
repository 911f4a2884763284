import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELEASE_PROFILE_SCHEMA } from './release-profile-schema.ts';
import { RUNNER_MATRIX_SCHEMA } from './runner-matrix-schema.ts';
import { toJsonSchema } from './to-json-schema.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The editor-facing JSON Schema files and their content, generated from the TypeScript schemas. */
export function jsonSchemaFiles(): Array<{ file: string; content: string }> {
  return [
    { file: path.join(HERE, 'release-profile.schema.json'), schema: toJsonSchema(RELEASE_PROFILE_SCHEMA, 'CoCo release profile') },
    { file: path.join(HERE, 'runner-matrix.schema.json'), schema: toJsonSchema(RUNNER_MATRIX_SCHEMA, 'coco-conformance runner matrix') },
  ].map(({ file, schema }) => ({ file, content: `${JSON.stringify(schema, null, 2)}\n` }));
}
