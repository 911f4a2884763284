import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BUILD_INPUTS, buildProblem, SOURCE_FOLDERS } from '../../bin/build-state.mjs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { compileSchema, firstErrorModuleSource, inlineLocalRefs, type SchemaCheck } from '../../matrix/schema/validate.ts';
import { firstValueNestedBeyond, nestingCheckForValid } from '../../matrix/schema/nesting-depth.ts';
import { sourcePath } from '../../matrix/source-root.ts';
import {
  PRECOMPILED_RECORD_CHECK, RESULT_RECORD_SCHEMA, RESULT_RECORD_SCHEMA_FILE, RESULT_RECORD_SCHEMA_SHA256, validateResultRecord,
} from '../../reporters/validate-result-record.ts';
import type { ResultRecord } from '../../reporters/result-record.ts';
import { record } from './sample-records.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('precompiled-record-check');

/** The record check `npm run build` compiles ahead of time (ajv's standalone code, scripts/build/precompile-
 *  validators.ts) must give every verdict and every first problem the check compiled at run time gives. Held to it
 *  over a good record and every mutation of it: each value replaced by values of every JSON type (and a few that
 *  break a pattern, a minimum, an enum), each key removed, an unknown key added to each map. */

/** A record that uses every part of the schema: planned tests, a failure signature, an infra error, open maps. */
function richRecord(): ResultRecord {
  const r = record({
    platform: 'tdx', runner: 'tdx-01', status: 'infra-error', doubles: ['KBS: a double'],
    environment: { kernel: '6.8', teeHostSupport: { tdx: 'Y' }, componentImages: { kbs: 'ghcr.io/x/kbs:v1' } },
    planned: ['attestation/resource-released-allow-all', 'attestation/resource-withheld-deny-all'],
    tests: [
      ['attestation/resource-released-allow-all', 'expected-failure', {
        failureSignature: { step: 'assert', pattern: 'denied', failedStep: 'assert', matched: true, error: 'denied' },
        expected: { expect: 'fail', claim: 'limitation', reason: 'r', signature: { step: 'assert', pattern: 'denied', because: 'the policy denies it' } },
      }],
      ['attestation/resource-withheld-deny-all', 'failed'],
    ],
  });
  r.runErrors = ['uninstall: leftovers'];
  r.unclassifiedTests = [{ title: 'a stray test', outcome: 'passed' }];
  r.cell.runtimeVariant = 'runtime-rs';
  return r;
}

const REPLACEMENTS: unknown[] = [null, true, 0, -1, 1.5, '', 'NOT a-Pattern!', 'sort-of', [], ['x'], {}, { a: 1 }];

/** Every mutation of `doc`, each a fresh copy. */
function mutations(doc: unknown): unknown[] {
  const out: unknown[] = [];
  const copy = () => structuredClone(doc) as Record<string, unknown>;
  const visit = (path: (string | number)[], value: unknown) => {
    const at = (root: unknown) => path.slice(0, -1).reduce<any>((node, key) => node[key], root);
    if (path.length) {
      for (const replacement of REPLACEMENTS) {
        const changed = copy();
        at(changed)[path.at(-1)!] = structuredClone(replacement);
        out.push(changed);
      }
      if (typeof path.at(-1) === 'string') {
        const removed = copy();
        delete at(removed)[path.at(-1)!];
        out.push(removed);
      }
    }
    if (Array.isArray(value)) value.forEach((item, i) => visit([...path, i], item));
    else if (typeof value === 'object' && value !== null) {
      const added = copy();
      const target = path.length ? at(added)[path.at(-1)!] : added;
      target.notInTheSchema = 'x';
      out.push(added);
      for (const [key, child] of Object.entries(value)) visit([...path, key], child);
    }
  };
  visit([], doc);
  return out;
}

function verdicts(check: SchemaCheck, documents: unknown[]): string[] {
  return documents.map((d) => {
    const first = check.firstMet(d);
    return `${check.passes(d)} ${first ? `${JSON.stringify(first.path)} ${first.problem}` : 'valid'}`;
  });
}

/** The check the reporters compile at run time: compiled once, at its first use, for every test here. */
const AT_RUN_TIME = compileSchema(RESULT_RECORD_SCHEMA, 'record');

/** The rich record and every mutation of it, with the run-time check's verdict on each: the same for each
 *  comparison below, so made once per file, at the first test that needs it. Nothing here changes a document. */
let corpus: { documents: unknown[]; atRunTime: string[] } | undefined;
function mutationCorpus(): { documents: unknown[]; atRunTime: string[] } {
  if (!corpus) {
    const documents = [richRecord(), ...mutations(richRecord())];
    corpus = { documents, atRunTime: verdicts(AT_RUN_TIME, documents) };
  }
  return corpus;
}

/** A module's source run as CommonJS, its `require` resolving from the checkout (where ajv's runtime helpers are). */
function loadModule(source: string): ValidateFunction {
  const module = { exports: {} as ValidateFunction };
  new Function('module', 'exports', 'require', source)(module, module.exports, createRequire(sourcePath('package.json')));
  return module.exports;
}

test('the standalone record check and the one compiled at run time agree on a record and on each of its mutations', () => {
  const { documents, atRunTime } = mutationCorpus();
  const standalone = verdicts(compileSchema(RESULT_RECORD_SCHEMA, 'record', loadModule(firstErrorModuleSource(RESULT_RECORD_SCHEMA))), documents);
  // The corpus holds both verdicts, and many different first problems.
  expect(atRunTime[0]).toBe('true valid');
  expect(atRunTime.filter((v) => v.startsWith('true')).length).toBeGreaterThan(20);
  expect(atRunTime.filter((v) => v.startsWith('false')).length).toBeGreaterThan(500);
  expect(new Set(atRunTime).size).toBeGreaterThan(100);
  expect(standalone).toEqual(atRunTime);
});

test('the first-error check keeps the schema\'s references and says what the schema inlined says, on every mutation', () => {
  // The first-error mode compiles the schema with its $defs referenced (a small function per definition, which V8
  // optimises early); with every reference inlined, the schema is the same: each verdict and first problem must be.
  const { documents, atRunTime: referenced } = mutationCorpus();
  const inlined = verdicts(compileSchema(inlineLocalRefs(RESULT_RECORD_SCHEMA), 'record'), documents);
  expect(new Set(inlined).size).toBeGreaterThan(100);
  expect(referenced).toEqual(inlined);
});

test('a standalone check of another schema is told apart by the same comparison', () => {
  // What the comparison above would catch: a check compiled from a schema one keyword short.
  const looser = structuredClone(RESULT_RECORD_SCHEMA) as { properties: Record<string, Record<string, unknown>> };
  delete looser.properties.runId!.minLength;
  const { documents, atRunTime } = mutationCorpus();
  const fromLooser = verdicts(compileSchema(RESULT_RECORD_SCHEMA, 'record', loadModule(firstErrorModuleSource(looser))), documents);
  expect(fromLooser).not.toEqual(atRunTime);
});

test('the build\'s precompiled check is the standalone code of the shipped schema, with its fingerprint', () => {
  // The tests' global setup runs `npm run build`, which writes it.
  const file = sourcePath(PRECOMPILED_RECORD_CHECK);
  expect(existsSync(file), `${file} (npm run build writes it)`).toBe(true);
  const built = createRequire(sourcePath('package.json'))(file) as ValidateFunction & { schemaSha256?: string };
  expect(built.schemaSha256).toBe(RESULT_RECORD_SCHEMA_SHA256);
  expect(readFileSync(file, 'utf8')).toContain(firstErrorModuleSource(RESULT_RECORD_SCHEMA));
});

test('the build state counts what the build reads: a schema edit after the build makes dist/ stale, as a .ts edit does', () => {
  // What `npm run build` reads: tsconfig.build.json's folders, and the schema precompile-validators.ts compiles.
  const buildConfig = JSON.parse(readFileSync(sourcePath('tsconfig.build.json'), 'utf8')) as { extends: string; include: string[] };
  expect(SOURCE_FOLDERS).toEqual(buildConfig.include);
  expect(BUILD_INPUTS).toEqual(expect.arrayContaining([RESULT_RECORD_SCHEMA_FILE, 'tsconfig.build.json', buildConfig.extends.replace(/^\.\//, '')]));
  // A checkout of its own: every input and a source file written, then the build stamped a minute later.
  const root = scratch('checkout');
  const write = (file: string, seconds: number) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), 'x');
    utimesSync(join(root, file), seconds, seconds);
  };
  const before = Date.now() / 1000 - 3600;
  for (const folder of SOURCE_FOLDERS) mkdirSync(join(root, folder), { recursive: true });
  for (const file of [...BUILD_INPUTS, 'reporters/result-record.ts', 'reporters/README.md']) write(file, before);
  write('dist/harness/cli/main.js', before + 60);
  write('dist/.build-stamp', before + 60);
  expect(buildProblem(root)).toBeUndefined();
  write('reporters/README.md', before + 120); // not read by the build
  expect(buildProblem(root)).toBeUndefined();
  write(RESULT_RECORD_SCHEMA_FILE, before + 120);
  expect(buildProblem(root)).toBe(`dist/ is older than ${RESULT_RECORD_SCHEMA_FILE}`);
  write(RESULT_RECORD_SCHEMA_FILE, before);
  write('reporters/result-record.ts', before + 120);
  expect(buildProblem(root)).toBe('dist/ is older than reporters/result-record.ts');
});

/** Nesting of `levels` lists: [[[…]]]. */
const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

test('a valid record nested too deep where the schema leaves it open is found exactly where the full walk finds it', () => {
  const check = nestingCheckForValid(RESULT_RECORD_SCHEMA);
  // Every place the schema leaves open in a record (maps it does not close), at every depth around the limit.
  const places: ((r: any, value: unknown) => void)[] = [
    (r, v) => (r.cell.extra = v),
    (r, v) => (r.cell.cluster.extra = v),
    (r, v) => (r.environment.extra = v),
  ];
  let tooDeep = 0;
  for (const place of places) {
    for (let levels = 20; levels <= 40; levels++) {
      const doc = richRecord();
      place(doc, nested(levels));
      expect(AT_RUN_TIME.passes(doc)).toBe(true);
      const full = firstValueNestedBeyond(doc, 32);
      expect(check(doc, 32)).toEqual(full);
      if (full) tooDeep++;
    }
  }
  // The depths past the limit: 31–40 under the cell and the environment (two levels down), 30–40 under the cluster.
  expect(tooDeep).toBe(31);
  // Two places too deep: the first in the document wins, whatever order the schema lists them in.
  for (const order of [['environment', 'cell'], ['cell', 'environment']]) {
    const { cell, environment, ...rest } = richRecord();
    const parts = { cell: { ...cell, extra: nested(40) }, environment: { ...environment, extra: nested(40) } } as Record<string, unknown>;
    const doc = { [order[0]!]: parts[order[0]!], ...rest, [order[1]!]: parts[order[1]!] };
    expect(check(doc, 32)?.[0]).toBe(order[0]);
    expect(check(doc, 32)).toEqual(firstValueNestedBeyond(doc, 32));
  }
  const deepInOpenMap = richRecord();
  (deepInOpenMap.environment as unknown as Record<string, unknown>).extra = nested(100_000);
  expect(validateResultRecord(deepInOpenMap)).toEqual({
    ok: false, problems: [{ path: `environment.extra${'[0]'.repeat(30)}`, problem: 'is nested more than 32 levels deep' }],
  });
});

test('a deep value where the schema would quote it (a constant, an enum) is refused as too deep, not quoted', () => {
  for (const key of ['schemaVersion', 'status'] as const) {
    const doc = { ...richRecord(), [key]: nested(1_000_000) };
    expect(validateResultRecord(doc)).toEqual({
      ok: false, problems: [{ path: `${key}${'[0]'.repeat(31)}`, problem: 'is nested more than 32 levels deep' }],
    });
  }
});

test('through the built CLI (the precompiled check): a record too deep where the schema leaves it open is one line, exit 2', () => {
  const file = scratch('deep.json');
  const doc = richRecord();
  (doc.environment as Record<string, unknown>).extra = 'DEEP';
  // Written as text: the value is too deep for JSON.stringify itself.
  writeFileSync(file, JSON.stringify(doc).replace('"DEEP"', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`));
  const run = spawnSync(process.execPath, ['bin/coco-conformance.mjs', 'signoff', file, '--release', 'v0.9.0'], {
    cwd: sourcePath('.'), encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe('');
  // Built: the CLI ran from dist/, where the precompiled check is (no "running the TypeScript source" line).
  expect(run.stderr).toMatch(new RegExp(`^error: no valid result record in RESULTS: ${file}:1:\\d+: invalid result record: environment\\.extra(\\[0\\]){30}: is nested more than 32 levels deep; skipped\n$`));
});
