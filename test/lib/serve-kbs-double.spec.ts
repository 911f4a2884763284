import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { HttpKbsTransport, KbsAdminClient, loadAdminPrivateKey } from '../../lib/kbs/index.ts';
import { loadSuiteEnvironment } from '../../lib/suite-environment.ts';
import { loadRelease } from '../../matrix/index.ts';

const repo = join(import.meta.dirname, '..', '..');

/** The developer path's KBS: the harness's own double, started alone; the suites find it through the environment
 *  it prints, and their records name it as a double. */
test('serve-kbs-double prints the suites\' environment, takes an admin request with its key, and cleans up on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/platforms/serve-kbs-double.ts', '--release', 'v0.9.0'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('# serving until Ctrl-C')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`serve-kbs-double exited ${code}: ${stderr}`)));
  });
  const env = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(?:'((?:[^']|'\\'')*)'|(\S+))$/gm)].map((m) => [m[1]!, (m[2] ?? m[3]!).replace(/'\\''/g, "'")]));
  expect(Object.keys(env).sort()).toEqual(['COCO_KBS_ADMIN_KEY', 'COCO_KBS_DOUBLE', 'COCO_KBS_URL', 'COCO_RELEASE']);
  expect(env.COCO_RELEASE).toBe('v0.9.0');
  expect(env.COCO_KBS_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(env.COCO_KBS_DOUBLE).toMatch(/^KBS: test double of trustee e890fc9/);

  // What the suites read from that environment: the double's URL, its admin key, and the double named in records.
  const suiteEnv = loadSuiteEnvironment({ ...env, KUBECONFIG: '/dev/null' });
  expect(suiteEnv.kbs).toEqual({ url: env.COCO_KBS_URL, adminKeyFile: env.COCO_KBS_ADMIN_KEY, isDouble: true });
  expect(suiteEnv.doubles).toEqual([env.COCO_KBS_DOUBLE]);
  const { kbs } = loadRelease('v0.9.0');
  const admin = new KbsAdminClient({ privateKey: loadAdminPrivateKey(env.COCO_KBS_ADMIN_KEY!), adminAuth: kbs.adminAuth, apiPrefix: kbs.apiPrefix,
    transport: new HttpKbsTransport(env.COCO_KBS_URL!) });
  await admin.setResource('default/selftest/developer-path', Buffer.from('value'));

  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(existsSync(env.COCO_KBS_ADMIN_KEY!)).toBe(false);
});
