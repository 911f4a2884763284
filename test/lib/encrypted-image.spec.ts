import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  buildTestImages,
  decodeAnnotationPacket,
  encryptImage,
  ensureSkopeo,
  pushImage,
  type TestImages,
} from '../../lib/images/index.ts';
import { LocalRegistry, type StartedLocalRegistry } from '../../lib/registry/index.ts';
import { writeRegistryAuthFile } from '../../lib/registry/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { decryptImage } from '../support/decrypt-image.ts';
import { fileInLayer, readOciLayout } from './oci-layout-reader.ts';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('encrypted-image');

// Real parts only: skopeo built from the Go module proxy, Debian's docker-registry with htpasswd, our key
// provider run by ocicrypt as a command. The skopeo build takes minutes when not cached, so it is built, not skipped.
test.describe.configure({ mode: 'serial' });

let skopeo: string;
let registry: StartedLocalRegistry;
let images: TestImages;
let work: string;
let plainLayerDigest: string;
const key = randomBytes(32).toString('base64');
const kid = `kbs:///default/key/selftest-${randomBytes(4).toString('hex')}`;

test.beforeAll(async () => {
  test.setTimeout(30 * 60_000);
  skopeo = await ensureSkopeo();
  work = scratch();
  images = await buildTestImages(join(work, 'images'));
  registry = await new LocalRegistry().start();
  const pushed = await pushImage({ source: images.busybox.archive, destination: `${registry.address}/busybox:plain`, skopeo, login: login() });
  plainLayerDigest = (await rawManifest('busybox:plain')).layers[0]!.digest;
  expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  await encryptImage({
    source: `${registry.address}/busybox:plain`,
    destination: `${registry.address}/busybox:encrypted`,
    keyBase64: key,
    kid,
    skopeo,
    sourceLogin: login(),
    destinationLogin: login(),
  });
});

test.afterAll(async () => {
  await registry?.stop();
});

function login() {
  return { registry: registry.address, credentials: registry.credentials! };
}

async function rawManifest(reference: string) {
  const authFile = writeRegistryAuthFile(mkdtempSync(join(work, 'auth-')), registry.address, registry.credentials!);
  const result = await runCommand([skopeo, 'inspect', '--raw', '--tls-verify=false', '--authfile', authFile,
    `docker://${registry.address}/${reference}`]);
  return JSON.parse(result.stdout) as { layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[] };
}

test('the built skopeo is a current release, not Debian 1.9.3', async () => {
  const version = (await runCommand([skopeo, '--version'])).stdout;
  expect(version).toMatch(/skopeo version 1\.(1[0-9]|[2-9][0-9])\./);
});

test('the encrypted layer carries the coco_keyprovider annotation and ocicrypt public options', async () => {
  const manifest = await rawManifest('busybox:encrypted');
  expect(manifest.layers).toHaveLength(1);
  const layer = manifest.layers[0]!;
  expect(layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip+encrypted');
  expect(layer.digest).not.toBe(plainLayerDigest);
  const annotation = layer.annotations?.['org.opencontainers.image.enc.keys.provider.attestation-agent'];
  expect(annotation).toBeDefined();
  const packet = decodeAnnotationPacket(annotation!);
  expect(Object.keys(packet).sort()).toEqual(['iv', 'kid', 'wrap_type', 'wrapped_data']);
  expect(packet.kid).toBe(kid);
  expect(packet.wrap_type).toBe('A256GCM');
  expect(Buffer.from(packet.iv, 'base64')).toHaveLength(12);
  const pubopts = layer.annotations?.['org.opencontainers.image.enc.pubopts'];
  expect(pubopts).toBeDefined();
  expect(JSON.parse(Buffer.from(pubopts!, 'base64').toString())).toMatchObject({ cipher: 'AES_256_CTR_HMAC_SHA256' });
});

test('the right key decrypts the image back to the original layer', async () => {
  const layoutDir = join(work, 'decrypted');
  await decryptImage({ source: `${registry.address}/busybox:encrypted`, destination: `oci:${layoutDir}:decrypted`,
    keyBase64: key, kid, skopeo, sourceLogin: login() });
  const decrypted = await readOciLayout(layoutDir);
  const original = await readOciLayout(images.busybox.archive);
  expect(decrypted.manifest.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
  expect(decrypted.manifest.layers[0]!.digest).toBe(plainLayerDigest);
  const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  expect(sha(decrypted.layerTars[0]!)).toBe(original.config.rootfs.diff_ids[0]);
  expect(await fileInLayer(decrypted.layerTars[0]!, images.busybox.marker.path)).toBe(images.busybox.marker.content);
});

test('a wrong key does not decrypt the image', async () => {
  const wrongKey = randomBytes(32).toString('base64');
  await expect(
    decryptImage({ source: `${registry.address}/busybox:encrypted`, destination: `oci:${join(work, 'wrong')}:x`,
      keyBase64: wrongKey, kid, skopeo, sourceLogin: login() }),
  ).rejects.toThrow(/GCM authentication failed/);
});

test('a key for another kid does not decrypt the image', async () => {
  await expect(
    decryptImage({ source: `${registry.address}/busybox:encrypted`, destination: `oci:${join(work, 'other-kid')}:x`,
      keyBase64: key, kid: 'kbs:///default/key/someone-else', skopeo, sourceLogin: login() }),
  ).rejects.toThrow(/the layer wants kbs:\/\/\/default\/key\/selftest-/);
});
