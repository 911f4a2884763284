import { existsSync, readFileSync, statSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  basicAuth,
  dockerConfigJson,
  kbsCredentialsResource,
  LocalRegistry,
  type StartedLocalRegistry,
} from '../../lib/registry/index.ts';
import { buildTestImages, ensureSkopeo, pushImage } from '../../lib/images/index.ts';
import { redact } from '../../lib/exec/redact.ts';
import { scratchDirectory } from './scratch-directory.ts';

// A real docker-registry with a bcrypt htpasswd file; checked over HTTP and with skopeo as a real client.
test.describe.configure({ mode: 'serial' });

let registry: StartedLocalRegistry;
const scratch = scratchDirectory('local-registry-test');

test.beforeAll(async () => {
  registry = await new LocalRegistry({ host: '127.0.0.1' }).start();
});

test.afterAll(async () => {
  await registry?.stop();
});

const v2 = (authorization?: string) =>
  fetch(`${registry.url}/v2/`, { headers: authorization ? { authorization } : {} });

test('the registry refuses a request without credentials with 401 and a Basic challenge', async () => {
  const response = await v2();
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toContain('Basic realm="coco-conformance"');
});

test('the registry refuses a wrong password with 401', async () => {
  const wrong = { username: registry.credentials!.username, password: 'not-the-password' };
  expect((await v2(`Basic ${basicAuth(wrong)}`)).status).toBe(401);
});

test('the registry accepts the right credentials', async () => {
  expect((await v2(`Basic ${basicAuth(registry.credentials!)}`)).status).toBe(200);
});

test('skopeo cannot push without credentials or with a wrong password, and can with the right ones', async () => {
  test.setTimeout(30 * 60_000);
  const skopeo = await ensureSkopeo();
  const images = await buildTestImages(`${scratch()}/images`);
  const destination = `${registry.address}/busybox:auth`;
  await expect(pushImage({ source: images.busybox.archive, destination, skopeo })).rejects.toThrow(/unauthorized|authentication required/i);
  const wrong = { username: registry.credentials!.username, password: 'not-the-password' };
  await expect(pushImage({ source: images.busybox.archive, destination, skopeo, login: { registry: registry.address, credentials: wrong } }))
    .rejects.toThrow(/unauthorized|authentication required/i);
  const pushed = await pushImage({ source: images.busybox.archive, destination, skopeo,
    login: { registry: registry.address, credentials: registry.credentials! } });
  expect(pushed.digest).toMatch(/^sha256:/);
});

test('the password file is bcrypt and private', () => {
  const line = readFileSync(registry.files.htpasswdFile!, 'utf8').trim();
  expect(line).toMatch(new RegExp(`^${registry.credentials!.username}:\\$2y\\$`));
  expect(statSync(registry.files.htpasswdFile!).mode & 0o077).toBe(0);
});

test('credentials are registered as secrets, raw and as base64 user:pass', () => {
  expect(redact(`password ${registry.credentials!.password}`)).toBe('password [secret:registry-password]');
  expect(redact(basicAuth(registry.credentials!))).toBe('[secret:registry-password (base64 user:pass)]');
});

test('the imagePullSecret and KBS credentials resource have the upstream shape', () => {
  const credentials = { username: 'user', password: 'pass-word-1' };
  expect(JSON.parse(dockerConfigJson('10.0.0.1:5000', credentials))).toEqual({
    auths: { '10.0.0.1:5000': { username: 'user', password: 'pass-word-1', auth: 'dXNlcjpwYXNzLXdvcmQtMQ==' } },
  });
  expect(JSON.parse(kbsCredentialsResource('10.0.0.1:5000/busybox', credentials))).toEqual({
    auths: { '10.0.0.1:5000/busybox': { auth: 'dXNlcjpwYXNzLXdvcmQtMQ==' } },
  });
});

test('stop ends the registry and removes its temporary directory', async () => {
  const second = await new LocalRegistry().start();
  const storage = second.files.storageDirectory;
  await second.stop();
  await expect(fetch(`${second.url}/v2/`)).rejects.toThrow();
  expect(existsSync(storage)).toBe(false);
});

test('an open registry serves anyone, with no password file', async () => {
  const open = await new LocalRegistry({ open: true }).start();
  try {
    const response = await fetch(`${open.url}/v2/`);
    expect(response.status).toBe(200);
    expect(open.credentials).toBeUndefined();
    expect(open.files.htpasswdFile).toBeUndefined();
  } finally {
    await open.stop();
  }
});
