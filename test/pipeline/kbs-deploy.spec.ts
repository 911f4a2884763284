import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRelease } from '../../matrix/index.ts';
import { redact } from '../../scripts/exec/redact.ts';
import { deployKbs } from '../../scripts/kbs/kbs-deploy.ts';
import { useExternalKbs } from '../../scripts/kbs/external-kbs.ts';
import { kbsKustomization } from '../../scripts/kbs/kbs-kustomization.ts';
import { splitImage } from '../../scripts/kbs/kbs-recipe-paths.ts';
import type { ProviderContext } from '../../scripts/providers/cluster-provider.ts';
import { recordingContext } from '../providers/support/recording-context.ts';
import { scratch } from './support/scratch-dir.ts';

const profile = loadRelease('v0.9.0');
const cluster = { name: 'c', kubeconfigPath: '/work/cell/kubeconfig', nodes: [], createdByHarness: true };
const T = '/work/cell/trustee/kbs/config/kubernetes';
const K = 'kubectl --kubeconfig /work/cell/kubeconfig';

test('trustee deploy (dry run): pinned ref, key.bin, admin key pair as base/kbs.key + kbs.pem, nodeport overlay, health', async () => {
  const { ctx, lines } = recordingContext();
  const kbs = await deployKbs(ctx, { recipe: profile.kbs, arch: 'x86_64', cluster, nodeIp: '10.0.0.12', readyTimeoutSeconds: 300 });
  expect(lines).toEqual([
    'git clone --quiet --no-checkout https://github.com/confidential-containers/trustee /work/cell/trustee',
    'git -C /work/cell/trustee checkout --quiet --force e890fc90c384207668fa3a4d6a2f2a2d652797ee',
    `# file: ${T}/overlays/x86_64/key.bin`,
    '# generate an Ed25519 admin key pair in /work/cell/kbs-admin (kbs.key mode 0600, kbs.pem)',
    `# file: ${T}/base/kbs.key`,
    `# file: ${T}/base/kbs.pem`,
    '# file: /work/cell/kbs-deploy/kustomization.yaml',
    `${K} apply -k /work/cell/kbs-deploy`,
    `${K} -n coco-tenant rollout status deployment/kbs --timeout=300s`,
    `${K} -n coco-tenant get service kbs -o 'jsonpath={.spec.ports[0].nodePort}'`,
    '# health: GET http://<node-internal-ip>:<node-port>/ expecting HTTP 404 (404 Not Found)',
  ]);
  expect(kbs).toMatchObject({ deployedByHarness: true, image: profile.kbs.image, endpoint: { adminKeyFile: '/work/cell/kbs-admin/kbs.key', isDouble: false } });
});

test('trustee deploy (dry run) never records a secret: key.bin and the private key are shown as placeholders', async () => {
  const entries: string[] = [];
  const ctx: ProviderContext = { workDir: '/w', dryRun: true, log: () => {}, record: (_s, e) => entries.push(typeof e === 'string' ? e : e.join(' ')) };
  await deployKbs(ctx, { recipe: profile.kbs, arch: 'x86_64', cluster, nodeIp: '10.0.0.12', readyTimeoutSeconds: 300 });
  const keyBin = entries.find((e) => e.includes('key.bin'))!;
  expect(keyBin.split('\n')[1]).toBe('<32 random bytes, base64: not shown>');
  expect(entries.find((e) => e.includes('base/kbs.key'))!.split('\n')[1]).toBe('<Ed25519 private key: not shown>');
  expect(entries.join('\n')).not.toContain('PRIVATE KEY');
});

test('the harness kustomization pins the KBS image over trustee\'s placeholder and labels everything as the harness\'s', () => {
  const text = kbsKustomization('/t/nodeport/x86_64', 'ghcr.io/confidential-containers/staged-images/kbs:e890fc9');
  expect(text).toContain('- /t/nodeport/x86_64');
  expect(text).toContain('name: kbs-container-image');
  expect(text).toContain('newName: ghcr.io/confidential-containers/staged-images/kbs');
  expect(text).toContain('newTag: e890fc9');
  expect(text).toContain('app.kubernetes.io/managed-by: coco-conformance');
  expect(splitImage('localhost:5000/kbs')).toEqual({ newName: 'localhost:5000/kbs' });
});

test.describe('external KBS (--kbs-url, --kbs-admin-key) on loopback', () => {
  let server: Server;
  let status = 404;
  let url = '';
  test.beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(status).end());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

  test('answers 404 on / like trustee: accepted, key registered as a secret and never shown', async () => {
    const dir = scratch('external');
    const keyFile = join(dir, 'admin.key');
    const key = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIExternalAdminKeyForTheTest0123456789abcdef\n-----END PRIVATE KEY-----';
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyFile, key, { mode: 0o600 });
    const { ctx } = recordingContext();
    const kbs = await useExternalKbs({ ...ctx, dryRun: false }, `${url}/`, keyFile, '404 Not Found', 5_000);
    expect(kbs).toEqual({ endpoint: { url, adminKeyFile: keyFile, isDouble: false }, deployedByHarness: false });
    expect(redact(`oops ${key}`)).toBe('oops [REDACTED]');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
  });

  test('anything but 404 is not a KBS', async () => {
    status = 200;
    const { ctx } = recordingContext();
    const keyFile = join(scratch('k2'), 'admin.key');
    mkdirSync(join(keyFile, '..'), { recursive: true });
    writeFileSync(keyFile, 'a-test-admin-key-value');
    await expect(useExternalKbs({ ...ctx, dryRun: false }, url, keyFile, '404 Not Found', 5_000)).rejects.toThrow(
      `failed to check KBS health at ${url}/: HTTP 200, expected 404`,
    );
    status = 404;
  });
});
