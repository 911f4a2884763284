import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { developerSuiteEnvironment } from '../../lib/suite-environment.ts';
import { recordIdentity } from '../../reporters/record-identity.ts';
import { buildCompatibilityReport, validateResultRecord } from '../../reporters/index.ts';
import { ANNOTATE, configFile, removeInlineProject, writeInlineProject } from './inline-project.ts';
import { profile } from './sample-records.ts';

// A developer's shell: a release, no pipeline (no suite environment file).
const DEVELOPER = { COCO_RELEASE: 'v0.9.0' };
const developerRecord = (env: NodeJS.ProcessEnv) => recordIdentity(developerSuiteEnvironment(env));

// A passing test's project is removed; a failing one's stays in the temp folder for a look.
let project = '';
test.afterEach(async ({}, info) => {
  if (project && info.status === info.expectedStatus) removeInlineProject(project);
  project = '';
});

test('a developer run with no cell is filed under the platform COCO_PLATFORM names, not required for sign-off', () => {
  const { cell } = developerRecord({ ...DEVELOPER, COCO_PLATFORM: 'snp' });
  expect(cell).toMatchObject({ id: 'v0.9.0/snp/adhoc', platform: 'snp', runner: hostname(), release: 'v0.9.0', required: false, cluster: { distro: 'existing' } });
});

test('with no platform named, a developer run is ad hoc on control: nothing claimed, never mistaken for a TEE', () => {
  const { cell } = developerRecord(DEVELOPER);
  expect(cell).toMatchObject({ id: 'v0.9.0/control/adhoc', platform: 'control', required: false });
});

test('COCO_PLATFORM naming several platforms or an unknown one is a clear error: a record is one platform', () => {
  expect(() => developerRecord({ ...DEVELOPER, COCO_PLATFORM: 'tdx,snp' }))
    .toThrow('result-record reporter: COCO_PLATFORM names 2 platforms (tdx, snp), but a record is filed under one: run one platform at a time');
  expect(() => developerRecord({ ...DEVELOPER, COCO_PLATFORM: 'sgx' })).toThrow('COCO_PLATFORM: unknown platform "sgx"');
});

const SPEC = `import { test } from '@playwright/test';
import { meta, PASS } from './annotate.js';
test('allow', meta('attestation/resource-released-allow-all', 'attestation', 'positive', PASS), async () => {});
test('deny', meta('attestation/resource-withheld-deny-all', 'attestation', 'negative', PASS), async () => {});
`;

test('a real developer run on SNP reaches the SNP column of the report, and the sign-off only notes it', async () => {
  test.setTimeout(120_000);
  const dir = project = writeInlineProject({
    'annotate.js': ANNOTATE,
    'dev.spec.ts': SPEC,
    'playwright.config.ts': configFile(0),
  });
  // No suite environment file: the reporter reads the developer's own, records under <COCO_OUT_DIR>/records.
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', ...DEVELOPER, COCO_PLATFORM: 'snp', COCO_OUT_DIR: '.', COCO_SECRETS_FILE: join(dir, 'shared-secrets') };
  delete env.COCO_SUITE_ENV;
  const run = spawnSync('npx', ['playwright', 'test'], { cwd: dir, encoding: 'utf8', timeout: 100_000, env });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  const files = readdirSync(join(dir, 'records'));
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(new RegExp(`^v0\\.9\\.0_snp_adhoc--${hostname().replace(/[^A-Za-z0-9._-]+/g, '_')}--dev-[0-9TZ-]+\\.json$`));
  const validation = validateResultRecord(JSON.parse(readFileSync(join(dir, 'records', files[0]!), 'utf8')));
  if (!validation.ok) throw new Error(`record is invalid: ${JSON.stringify(validation.problems)}`);
  expect(validation.record.cell).toMatchObject({ platform: 'snp', required: false });

  const report = buildCompatibilityReport({ records: [validation.record], profile: { ...profile({ attestation: { snp: 'supported' } }), release: 'v0.9.0' }, generatedAt: 'fixed' });
  const snp = report.grid.flat().find((c) => c.feature === 'attestation' && c.platform === 'snp')!;
  expect(snp.state).toBe('PASS');
  expect(report.platforms.map((p) => p.id)).toEqual(['snp']);
  expect(report.signoff.verdict).toBe('INCONCLUSIVE');
  const runner = validation.record.runner;
  expect(runner).toBe(hostname());
  expect(report.signoff.notes).toContain(`not judged: attestation × snp ran only on cells not required for sign-off (${runner} — v0.9.0/snp/adhoc): PASS: all 2 test(s) passed on ${runner}`);
});
