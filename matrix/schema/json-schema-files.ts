import path from 'node:path';
import { RELEASE_PROFILE_SCHEMA } from './release-profile-schema.ts';
import { RUNNER_MATRIX_SCHEMA } from './runner-matrix-schema.ts';
import { toJsonSchema } from './to-json-schema.ts';
import { sourcePath } from '../source-root.ts';

const HERE = sourcePath('matrix/schema');

/** The editor-facing JSON Schema files and their content, generated from the TypeScript schemas. */
export function jsonSchemaFiles(): Array<{ file: string; content: string }> {
  return [
    { file: path.join(HERE, 'release-profile.schema.json'), schema: toJsonSchema(RELEASE_PROFILE_SCHEMA, 'CoCo release profile') },
    { file: path.join(HERE, 'runner-matrix.schema.json'), schema: toJsonSchema(RUNNER_MATRIX_SCHEMA, 'coco-conformance runner matrix') },
  ].map(({ file, schema }) => ({ file, content: `${JSON.stringify(schema, null, 2)}\n` }));
}
