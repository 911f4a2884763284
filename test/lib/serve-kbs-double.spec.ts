import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { HttpKbsTransport, KbsAdminClient, loadAdminPrivateKey } from '../../lib/kbs/index.ts';
import { loadSuiteEnvironment } from '../../lib/suite-environment.ts';
import { loadRelease } from '../../matrix/index.ts';
import { serveKbsDouble } from '../support/serve-kbs-double.ts';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('serve-kbs-double');

/** The developer path's KBS: the harness's own double, started alone; the suites find it through the environment
 *  it prints, and their records name it as a double. */
test('serve-kbs-double prints the suites\' environment, takes an admin request with its key, and cleans up on SIGTERM', async () => {
  const served = await serveKbsDouble('v0.9.0');
  const { env } = served;
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

  expect(await served.stop()).toBe(0);
  expect(existsSync(env.COCO_KBS_ADMIN_KEY!)).toBe(false);
});

/** The developer path on a machine that cannot pull upstream's test images (the e2e's, on this CI machine): the
 *  self-built set, as the control platform serves it, from the file COCO_IMAGES names. */
test('the developer path takes self-built images from COCO_IMAGES, and names a file that is not an image set in one line', () => {
  const dir = scratch('images');
  mkdirSync(dir);
  const images = { kind: 'self-built', registry: '198.18.0.1:5000', plain: '198.18.0.1:5000/coco-conformance/busybox:1', skopeo: '/usr/bin/skopeo',
    authRegistry: '198.18.0.1:5001', authenticated: '198.18.0.1:5001/coco-conformance/busybox-auth:1', credentialsFile: join(dir, 'credentials.json') };
  const file = join(dir, 'images.json');
  writeFileSync(file, JSON.stringify(images));
  expect(loadSuiteEnvironment({ COCO_IMAGES: file }).images).toEqual(images);
  expect(loadSuiteEnvironment({}).images).toEqual({ kind: 'upstream' });

  writeFileSync(file, JSON.stringify({ ...images, plain: undefined }));
  expect(() => loadSuiteEnvironment({ COCO_IMAGES: file })).toThrow(new Error(`images ${file} (COCO_IMAGES): plain: missing or not a string`));
  writeFileSync(file, JSON.stringify({ kind: 'mirrored' }));
  expect(() => loadSuiteEnvironment({ COCO_IMAGES: file })).toThrow(new Error(`images ${file} (COCO_IMAGES): kind: must be "self-built" or "upstream"`));
  writeFileSync(file, '{');
  expect(() => loadSuiteEnvironment({ COCO_IMAGES: file })).toThrow(/^failed to read the images .* \(COCO_IMAGES\): /);
});
