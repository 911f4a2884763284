import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { developerSuiteEnvironment, loadSuiteEnvironment, pinSuiteEnvironment } from '../../lib/suite-environment.ts';
import { encodedReleases, loadRelease, TEST_CATALOG } from '../../matrix/index.ts';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('suite-environment');

test('a developer run derives every test\'s expected outcome once, for each platform it makes a project for, as the pipeline plans a nydus cell', () => {
  const newest = encodedReleases().at(-1)!;
  const everyPlatform = developerSuiteEnvironment({});
  expect(everyPlatform.release).toBe(newest);
  expect(everyPlatform.platforms).toEqual([]);
  expect(Object.keys(everyPlatform.expected).sort()).toEqual(Object.keys(loadRelease(newest).platforms).sort());
  for (const byId of Object.values(everyPlatform.expected)) expect(Object.keys(byId)).toEqual(TEST_CATALOG.map((t) => t.id));

  const snp = developerSuiteEnvironment({ COCO_RELEASE: 'v0.9.0', COCO_PLATFORM: 'snp' });
  expect(Object.keys(snp.expected)).toEqual(['snp']);
  // v0.9.0 claims guest pull on SNP: a developer's pods pull in the guest (nydus), so the test is expected to pass.
  expect(snp.expected.snp!['guest-pull/not-unpacked-on-host']).toMatchObject({ expect: 'pass', claim: 'supported' });
  // SEV(-ES) has no attestation in v0.9.0's release notes: a positive attestation test is expected to fail there.
  expect(developerSuiteEnvironment({ COCO_RELEASE: 'v0.9.0', COCO_PLATFORM: 'sev' }).expected.sev!['attestation/resource-released-allow-all'])
    .toMatchObject({ expect: 'fail' });
});

test('the config pins a developer run\'s environment in a file COCO_SUITE_ENV names: its workers and reporters read the same run id and plan', () => {
  const env: NodeJS.ProcessEnv = { COCO_RELEASE: 'v0.9.0', COCO_PLATFORM: 'control' };
  const pinned = pinSuiteEnvironment(env);
  try {
    expect(env.COCO_SUITE_ENV).toMatch(/suite-environment\.json$/);
    expect(loadSuiteEnvironment({ COCO_SUITE_ENV: env.COCO_SUITE_ENV })).toEqual(pinned);
    // Pinned once: a second look (a worker re-reading the config) finds the file and makes no new environment.
    expect(pinSuiteEnvironment(env).runId).toBe(pinned.runId);
  } finally {
    rmSync(dirname(env.COCO_SUITE_ENV!), { recursive: true, force: true });
  }
});

test('a developer run\'s pinned environment file is gone when the process that made it exits', () => {
  const script = `import { pinSuiteEnvironment } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'lib', 'suite-environment.ts'))};
    const env = { COCO_RELEASE: 'v0.9.0', COCO_PLATFORM: 'control' }; pinSuiteEnvironment(env); console.log(env.COCO_SUITE_ENV);`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  const file = child.stdout.trim();
  expect(file).toMatch(/coco-suite-env-.*suite-environment\.json$/);
  expect(existsSync(dirname(file))).toBe(false);
});

test('a suite environment file without the expected outcomes is a clear error: the suites never derive them themselves', () => {
  const dir = scratch('suite-env');
  mkdirSync(dir);
  const file = join(dir, 'suite-environment.json');
  writeFileSync(file, JSON.stringify({ release: 'v0.9.0', platforms: ['control'], runner: 'r', runId: 'x', outDir: dir, kbs: { isDouble: false }, images: { kind: 'upstream' } }));
  expect(() => loadSuiteEnvironment({ COCO_SUITE_ENV: file })).toThrow(`suite environment ${file}: expected: missing`);
});
