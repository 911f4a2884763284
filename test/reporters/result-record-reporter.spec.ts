import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateResultRecord, type ResultRecord } from '../../reporters/index.ts';
import { ANNOTATE, PLAYWRIGHT_CLI, configFile, removeInlineProject, suiteEnvironmentFile, writeInlineProject as makeProject } from './inline-project.ts';

// Projects of passing tests are removed; a failing test's project stays in the temp folder for a look.
let projects: string[] = [];
const writeInlineProject = (files: Record<string, string>) => {
  const dir = makeProject(files);
  projects.push(dir);
  return dir;
};
test.afterEach(async ({}, info) => {
  if (info.status === info.expectedStatus) projects.forEach(removeInlineProject);
  projects = [];
});
import { cell } from './sample-records.ts';

const SECRET = 'kbs-admin-key-9f8e7d6c5b4a';
const REDACT_MODULE = join(import.meta.dirname, '..', '..', 'lib', 'exec', 'redact.ts');

const SPEC = `import { test, expect } from '@playwright/test';
import { meta, PASS, FAIL } from './annotate.js';
test('passes', meta('attestation/resource-withheld-deny-all', 'attestation', 'negative', PASS), async ({}, info) => {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(info.outputPath('kbs.log'), 'kbs says hi');
  await info.attach('kbs-log', { path: info.outputPath('kbs.log'), contentType: 'text/plain' });
});
test('fails', meta('encrypted-image/wrong-key-fails', 'encrypted-images', 'negative', PASS), async () => {
  // Registered in the worker, as fixtures do; the reporter runs in another process.
  const { registerSecret } = await import(${JSON.stringify(REDACT_MODULE)});
  registerSecret('${SECRET}');
  expect('pod started with key ${SECRET}', 'the pod must not run').toBe('pod failed');
});
test('known limitation fails', meta('attestation/resource-released-allow-all', 'attestation', 'positive', FAIL), async () => {
  test.fail(true, FAIL.reason);
  await test.step('assert: the log holds the resource value', () => {
    expect('', 'GET http://127.0.0.1:8006/cdh/resource/default/aa/key should return the KBS resource').toContain('aatest');
  });
});
test('known limitation passes', meta('encrypted-image/right-key-runs', 'encrypted-images', 'positive', FAIL), async () => {
  test.fail(true, FAIL.reason);
});
test('flaky', meta('guest-pull/not-unpacked-on-host', 'guest-pull', 'positive', PASS), async ({}, info) => {
  expect(info.retry, 'fails on the first attempt only').toBe(1);
});
test('skipped', meta('tee-evidence/guest-is-tee', 'tee-evidence', 'positive', { expect: 'skip', claim: 'not-applicable', reason: 'no TEE' }), async () => {
  test.skip(true, 'the control platform has no TEE');
});
`;

function readRecord(file: string): ResultRecord {
  const validation = validateResultRecord(JSON.parse(readFileSync(file, 'utf8')));
  if (!validation.ok) throw new Error(`record ${file} is invalid: ${JSON.stringify(validation.problems)}`);
  return validation.record;
}

test('a real Playwright run writes one record with every outcome mapped', async () => {
  test.setTimeout(180_000);
  const environment = { kernel: '6.1.0-test', os: 'Debian GNU/Linux 12 (bookworm)', cpuModel: 'Test CPU' };
  const dir = writeInlineProject({
    'annotate.js': ANNOTATE,
    'outcomes.spec.ts': SPEC,
    'environment.json': JSON.stringify(environment),
    'playwright.config.ts': configFile(),
  });
  const suiteEnv = suiteEnvironmentFile(dir, { cell: cell('control', 'selftest-runner'), platforms: ['control'], runId: 'run-1',
    doubles: ['kbs: trustee admin API double'], environmentFile: join(dir, 'environment.json') });
  const run = spawnSync('npx', ['playwright', 'test'], {
    cwd: dir, encoding: 'utf8', timeout: 150_000,
    env: { ...process.env, CI: '1', COCO_SUITE_ENV: suiteEnv, COCO_SECRETS_FILE: join(dir, 'shared-secrets') },
  });
  expect(run.status, `playwright exits 1 because tests failed:\n${run.stdout}\n${run.stderr}`).toBe(1);
  const file = join(dir, 'records', 'v9.9.9_control_kubeadm-1.30_containerd_nydus--selftest-runner--run-1.json');
  const record = readRecord(file);
  expect(record.status).toBe('complete');
  expect(record.runner).toBe('selftest-runner');
  expect(record.cell.platform).toBe('control');
  expect(record.environment).toEqual(environment);
  expect(record.doubles).toEqual(['kbs: trustee admin API double']);
  expect(record.planned?.map((p) => p.id)).toHaveLength(6);
  const byId = Object.fromEntries(record.tests.map((t) => [t.id, t]));
  expect(record.tests.map((t) => [t.id, t.outcome, t.retries])).toEqual([
    ['attestation/resource-withheld-deny-all', 'passed', 0],
    ['encrypted-image/wrong-key-fails', 'failed', 1],
    ['attestation/resource-released-allow-all', 'expected-failure', 0],
    ['encrypted-image/right-key-runs', 'unexpected-pass', 1],
    ['guest-pull/not-unpacked-on-host', 'flaky', 1],
    ['tee-evidence/guest-is-tee', 'skipped', 0],
  ]);
  expect(byId['tee-evidence/guest-is-tee']!.skipReason).toBe('the control platform has no TEE');
  expect(byId['encrypted-image/right-key-runs']!.error).toBe('expected to fail (SEV(-ES) does not support attestation.) but passed');
  expect(byId['attestation/resource-released-allow-all']!.expected).toMatchObject({ expect: 'fail', claim: 'limitation', reason: 'SEV(-ES) does not support attestation.' });
  expect(byId['attestation/resource-released-allow-all']!.failureSignature).toEqual({
    step: 'assert: the log holds the resource value', pattern: 'should return the KBS resource',
    failedStep: 'assert: the log holds the resource value', matched: true,
    error: 'Error: GET http://127.0.0.1:8006/cdh/resource/default/aa/key should return the KBS resource' });
  expect(byId['encrypted-image/wrong-key-fails']!.feature).toBe('encrypted-images');
  // Secrets never reach the record; colour codes neither.
  const failure = byId['encrypted-image/wrong-key-fails']!.error!;
  expect(failure).toContain('the pod must not run');
  expect(failure).toContain('[REDACTED]');
  expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
  expect(failure).not.toMatch(/\u001b\[/);
  // Attachment paths are recorded as artifacts and exist.
  const artifacts = byId['attestation/resource-withheld-deny-all']!.artifacts;
  expect(artifacts.length).toBe(1);
  expect(existsSync(artifacts[0]!)).toBe(true);
});

const SLOW_SPEC = `import { test } from '@playwright/test';
import { meta, PASS } from './annotate.js';
test('first', meta('attestation/resource-withheld-deny-all', 'attestation', 'negative', PASS), async () => {});
test('second', meta('encrypted-image/no-key-fails', 'encrypted-images', 'negative', PASS), async () => {});
test('slow', meta('encrypted-image/wrong-key-fails', 'encrypted-images', 'negative', PASS), async () => {
  await new Promise((resolve) => setTimeout(resolve, 90_000));
});
`;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} midway leaves a valid record, status interrupted, with the tests already finished`, async () => {
    test.setTimeout(180_000);
    const dir = writeInlineProject({
      'annotate.js': ANNOTATE,
      'slow.spec.ts': SLOW_SPEC,
      'playwright.config.ts': configFile(0),
    });
    const file = join(dir, 'record.json');
    const suiteEnv = suiteEnvironmentFile(dir, { recordFile: file, runId: `run-${signal}` });
    // Its own process group, so Ctrl-C can be imitated (the whole group gets SIGINT) and everything ends after.
    const log = openSync(join(dir, 'playwright.log'), 'w');
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test'], { cwd: dir, detached: true, stdio: ['ignore', log, log], env: { ...process.env, CI: '1', COCO_SUITE_ENV: suiteEnv } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => (existsSync(file) ? readRecord(file).tests.length : 0), { timeout: 60_000, intervals: [200] }).toBe(2);
      const partial = readRecord(file);
      expect(partial.status).toBe('running');
      if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
      else process.kill(child.pid!, 'SIGTERM');
      // The guard is cleared once playwright exits: left pending, it fired 60 s later inside whatever test this
      // worker ran next, reading a log already removed, and failed that test.
      let guard: NodeJS.Timeout | undefined;
      const stopped = new Promise((_, reject) => {
        guard = setTimeout(() => reject(new Error(`playwright did not stop within 60s of ${signal}:\n${readFileSync(join(dir, 'playwright.log'), 'utf8')}`)), 60_000);
      });
      await Promise.race([exited, stopped]).finally(() => clearTimeout(guard));
      const record = readRecord(file);
      expect(record.status).toBe('interrupted');
      expect(record.endedAt).toBeTruthy();
      expect(record.tests.map((t) => [t.id, t.outcome])).toEqual([
        ['attestation/resource-withheld-deny-all', 'passed'],
        ['encrypted-image/no-key-fails', 'passed'],
      ]);
      expect(record.planned?.map((p) => p.id)).toContain('encrypted-image/wrong-key-fails');
    } finally {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
}

// A plan broken the way a typo breaks it: the API server refuses the pod, so the positive test fails in
// "act: the pod starts" instead of at its signature's assertion. Under test.fail() Playwright alone would call that
// an expected failure; the record must call it failed-wrong-reason and the run must fail.
const BROKEN_PLAN_SPEC = `import { test, expect } from '@playwright/test';
import { meta, FAIL } from './annotate.js';
test('known limitation, broken plan', meta('attestation/resource-released-allow-all', 'attestation', 'positive', FAIL), async () => {
  test.fail(true, FAIL.reason);
  await test.step('act: the pod starts', async () => {
    throw new Error('failed to create Pod cc-1/aa-test-cc: Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"');
  });
  await test.step('assert: the log holds the resource value', () => {
    expect('', 'GET http://127.0.0.1:8006/cdh/resource/default/aa/key should return the KBS resource').toContain('aatest');
  });
});
test('known limitation, TypeError in the right step', meta('sealed-secret/unsealed-with-resource', 'sealed-secrets', 'positive',
  { ...FAIL, signature: { step: 'assert: the guest unsealed the secret', pattern: 'PROTECTED_SECRET = ', because: 'no hub' } }), async () => {
  test.fail(true, FAIL.reason);
  await test.step('assert: the guest unsealed the secret', () => {
    const plan = undefined as unknown as { expect: { unsealedLine: string } };
    expect('PROTECTED_SECRET = sealed.x.y.z').toContain(plan.expect.unsealedLine);
  });
});
`;

test('an expected failure in the wrong step or for the wrong error is failed-wrong-reason and fails the run', async () => {
  test.setTimeout(120_000);
  const dir = writeInlineProject({
    'annotate.js': ANNOTATE,
    'broken.spec.ts': BROKEN_PLAN_SPEC,
    'playwright.config.ts': configFile(0),
  });
  const suiteEnv = suiteEnvironmentFile(dir, { recordFile: join(dir, 'record.json'), runId: 'run-broken', cell: cell('control', 'selftest-runner'), platforms: ['control'] });
  const run = spawnSync(process.execPath, [PLAYWRIGHT_CLI, 'test'], { cwd: dir, encoding: 'utf8', timeout: 100_000,
    env: { ...process.env, CI: '1', COCO_SUITE_ENV: suiteEnv } });
  expect(run.status, `the run fails although Playwright saw only expected failures:\n${run.stdout}\n${run.stderr}`).toBe(1);
  const record = readRecord(join(dir, 'record.json'));
  expect(record.tests.map((t) => [t.id, t.outcome])).toEqual([
    ['attestation/resource-released-allow-all', 'failed-wrong-reason'],
    ['sealed-secret/unsealed-with-resource', 'failed-wrong-reason'],
  ]);
  const [typo, typeError] = record.tests;
  expect(typo!.failureSignature).toMatchObject({ step: 'assert: the log holds the resource value', failedStep: 'act: the pod starts', matched: false });
  expect(typo!.error).toContain('failed for the wrong reason: expected to fail at "assert: the log holds the resource value"');
  expect(typo!.error).toContain('but failed at "act: the pod starts": Error: failed to create Pod cc-1/aa-test-cc');
  expect(typeError!.failureSignature).toMatchObject({ step: 'assert: the guest unsealed the secret', failedStep: 'assert: the guest unsealed the secret', matched: false });
  expect(typeError!.error).toMatch(/TypeError: Cannot read properties of undefined/);
});

test('an environment file that does not exist is a clear error, not an empty environment', async () => {
  const dir = writeInlineProject({
    'annotate.js': ANNOTATE,
    'one.spec.ts': `import { test } from '@playwright/test';\ntest('one', async () => {});\n`,
    'playwright.config.ts': configFile(0),
  });
  writeFileSync(join(dir, 'marker'), '');
  const suiteEnv = suiteEnvironmentFile(dir, { recordFile: join(dir, 'record.json'), environmentFile: '/nonexistent/env.json' });
  const run = spawnSync(process.execPath, [PLAYWRIGHT_CLI, 'test'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1', COCO_SUITE_ENV: suiteEnv } });
  expect(run.status).not.toBe(0);
  expect(`${run.stdout}${run.stderr}`).toContain('result-record reporter: environment file /nonexistent/env.json does not exist');
});
