/**
 * A step of `npm run build`, run from the build once tsc has written it: the result record check compiled ahead of
 * time — ajv's standalone code of the check the report would otherwise compile at every start, a tenth of a second
 * and more before the first record — written beside the compiled reporters with the fingerprint of the schema it
 * came from. reporters/validate-result-record.ts uses it only when that fingerprint is the shipped schema's.
 */
import { writeFileSync } from 'node:fs';
import { firstErrorModuleSource } from '../../matrix/schema/validate.ts';
import { sourcePath } from '../../matrix/source-root.ts';
import { PRECOMPILED_RECORD_CHECK, RESULT_RECORD_SCHEMA, RESULT_RECORD_SCHEMA_SHA256 } from '../../reporters/validate-result-record.ts';

writeFileSync(sourcePath(PRECOMPILED_RECORD_CHECK), [
  '// Written by `npm run build` (scripts/build/precompile-validators.ts) from reporters/result-record.schema.json.',
  firstErrorModuleSource(RESULT_RECORD_SCHEMA),
  `module.exports.schemaSha256 = ${JSON.stringify(RESULT_RECORD_SCHEMA_SHA256)};`,
  '',
].join('\n'));
