import { createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { applyKbsSteps, applyTestPlan, type ClusterClient } from '../../lib/cluster/index.ts';
import { planDryRun } from '../../lib/dry-run/index.ts';
import {
  buildTestImages, buildUniqueTestImage, decodeAnnotationPacket, ensureSkopeo, pushImage, type AnnotationPacket,
} from '../../lib/images/index.ts';
import { HttpKbsTransport, KbsAdminClient, generateAdminKeyPair, loadAdminPrivateKey, loadAdminPublicKey } from '../../lib/kbs/index.ts';
import { decryptImage } from '../support/decrypt-image.ts';
import { startInspectableKbsDouble, type InspectableKbsDouble } from '../support/inspectable-kbs-double.ts';
import {
  namespaceName, planFor, platformSpec, uniqueToken, type KubeManifest, type ManifestContext, type TestPlan,
} from '../../lib/manifests/index.ts';
import { LocalRegistry, type StartedLocalRegistry } from '../../lib/registry/index.ts';
import { loadRelease, type Cell } from '../../matrix/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { fileInLayer, readOciLayout } from './oci-layout-reader.ts';
import { scratchDirectory } from './scratch-directory.ts';

// The chain an encrypted-image test relies on, end to end without a guest: the plan encrypts an image and puts a key
// into KBS; what KBS then holds must be what the guest needs. kata 3.7.0 k8s-guest-pull-image-encrypted.bats stores
// the key with kbs_set_resource_base64, so KBS holds the 32 decoded bytes; guest-components v0.9.0
// confidential-data-hub (annotation_packet/v1.rs) uses those bytes unchanged as the AES-256-GCM key that unwraps the
// layer annotation packet. The KBS here is the harness's double, so the stored bytes can be read back exactly.
test.describe.configure({ mode: 'serial' });

const profile = loadRelease('v0.9.0');
const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.attestation-agent';
const scratch = scratchDirectory('encryption-chain-test');

let skopeo: string;
let registry: StartedLocalRegistry;
let kbs: InspectableKbsDouble;
let admin: KbsAdminClient;
let plain: string;

test.beforeAll(async () => {
  // The skopeo build takes minutes when not cached.
  test.setTimeout(30 * 60_000);
  skopeo = await ensureSkopeo();
  const images = await buildTestImages(join(scratch(), 'images'));
  // Open, as the self-built ImageSource's registry is (the node pulls from it without credentials).
  registry = await new LocalRegistry({ open: true }).start();
  plain = `${registry.address}/coco-conformance/busybox:plain`;
  await pushImage({ source: images.busybox.archive, destination: plain, skopeo });
  const keys = generateAdminKeyPair(join(scratch(), 'kbs-keys'));
  kbs = await startInspectableKbsDouble({ adminPublicKey: loadAdminPublicKey(keys.publicKeyFile), kbs: profile.kbs });
  admin = new KbsAdminClient({
    privateKey: loadAdminPrivateKey(keys.privateKeyFile), adminAuth: profile.kbs.adminAuth, apiPrefix: profile.kbs.apiPrefix,
    transport: new HttpKbsTransport(kbs.url),
  });
});

test.afterAll(async () => {
  await kbs?.stop();
  await registry?.stop();
});

/** A suite's context for self-built images from the registry above. The encrypted-image plans read only `registry`
 *  and `plain`; the authenticated-registry fields name the same open registry. */
function selfBuiltContext(testId: string): ManifestContext {
  const unique = uniqueToken('encryption-chain', testId, randomBytes(4).toString('hex'));
  return {
    profile, platform: 'tdx', spec: platformSpec(profile, 'tdx'), kbsUrl: kbs.url, unique, namespace: namespaceName(testId, unique),
    images: { kind: 'self-built', registry: registry.address, plain, skopeo, authRegistry: registry.address, authenticated: plain, credentialsFile: '/dev/null' },
  };
}

interface AppliedPlan {
  ctx: ManifestContext;
  plan: TestPlan;
  /** the encrypted image and the kid in its annotation */
  image: string;
  kid: string;
  keyPath: string;
  /** the pod manifests applyTestPlan handed to the cluster, after its KBS calls and image encryption */
  applied: KubeManifest[];
}

/** Runs the plan's setup as a suite does (applyTestPlan: KBS calls, then encryption of a freshly built image), with
 *  the KBS double as KBS and a cluster that only records what it is given. */
async function applyPlan(testId: string): Promise<AppliedPlan> {
  const ctx = selfBuiltContext(testId);
  const plan = planFor(testId, ctx);
  expect(plan.images, testId).toHaveLength(1);
  const applied: KubeManifest[] = [];
  const cluster = { apply: async (manifests: readonly KubeManifest[]) => { applied.push(...manifests); } } as unknown as ClusterClient;
  await applyTestPlan(plan, { cluster, kbs: admin, skopeo });
  const step = plan.images[0]!;
  return { ctx, plan, image: step.destination, kid: step.kid, keyPath: plan.expect.keyPath!, applied };
}

async function rawManifest(image: string) {
  const result = await runCommand([skopeo, 'inspect', '--raw', '--tls-verify=false', `docker://${image}`]);
  return JSON.parse(result.stdout) as { layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[] };
}

async function annotationPacket(image: string): Promise<AnnotationPacket> {
  const manifest = await rawManifest(image);
  expect(manifest.layers).toHaveLength(1);
  expect(manifest.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip+encrypted');
  const annotation = manifest.layers[0]!.annotations?.[ANNOTATION];
  expect(annotation, ANNOTATION).toBeDefined();
  return decodeAnnotationPacket(annotation!);
}

/** The unwrap confidential-data-hub does for wrap_type A256GCM (guest-components v0.9.0 annotation_packet/v1.rs,
 *  aes-gcm crate): the KBS resource bytes are the key, iv the 96-bit nonce, wrapped_data the ciphertext with the
 *  128-bit tag appended. Not the harness's unwrapOptsData: the harness's key provider wrapped the packet with that
 *  module, and a check sharing its code could not catch a fault in it. */
function unwrapAsCdh(packet: AnnotationPacket, key: Buffer): Buffer {
  expect(packet.wrap_type).toBe('A256GCM');
  const sealed = Buffer.from(packet.wrapped_data, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(packet.iv, 'base64'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
}

/** ocicrypt's PrivateLayerBlockCipherOptions, as it marshals them before a key provider wraps them. */
interface LayerOptions {
  symkey: string;
  digest: string;
  cipheroptions: Record<string, string>;
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

test.describe('right key', () => {
  let right: AppliedPlan;
  let stored: Buffer;
  let options: LayerOptions;

  test('KBS holds the 32 raw bytes of the key the image was encrypted with, not its base64 text', async () => {
    test.setTimeout(5 * 60_000);
    right = await applyPlan('encrypted-image/right-key-runs');
    expect(right.applied.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([`Pod/${right.plan.pod}`]);
    stored = kbs.storedResource(right.keyPath)!;
    expect(stored, `resource ${right.keyPath}`).toBeDefined();
    expect(stored.length, 'bytes stored').toBe(32);
    expect(stored.equals(Buffer.from(right.plan.images[0]!.keyBase64, 'base64'))).toBe(true);
    expect(kbs.inspect().resourcePolicy).toBeDefined();
  });

  test('the stored bytes unwrap the layer annotation packet into ocicrypt layer options', async () => {
    const packet = await annotationPacket(right.image);
    expect(packet.kid).toBe(right.kid);
    expect(right.kid).toBe(`kbs:///${right.keyPath}`);
    options = JSON.parse(unwrapAsCdh(packet, stored).toString('utf8')) as LayerOptions;
    expect(Object.keys(options).sort()).toEqual(['cipheroptions', 'digest', 'symkey']);
    // AES_256_CTR_HMAC_SHA256 (the pubopts cipher) takes a 32-byte symmetric key.
    expect(Buffer.from(options.symkey, 'base64').length, 'symkey bytes').toBe(32);
    expect(options.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('skopeo (ocicrypt) decrypts the image with the stored bytes back to the layer the plan encrypted', async () => {
    test.setTimeout(5 * 60_000);
    const layoutDir = join(scratch(), `decrypted-${right.ctx.unique}`);
    await decryptImage({ source: right.image, destination: `oci:${layoutDir}:decrypted`, keyBase64: stored.toString('base64'), kid: right.kid, skopeo });
    const decrypted = await readOciLayout(layoutDir);
    expect(decrypted.manifest.layers).toHaveLength(1);
    expect(decrypted.manifest.layers[0]!.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    // The options unwrapped above belong to this very layer: ocicrypt records the digest of the plaintext it
    // encrypted, here the uncompressed tar the plan's image was built with.
    expect(sha256(decrypted.layerTars[0]!)).toBe(options.digest);
    // applyTestPlan encrypted a busybox image rebuilt with the destination tag (the unique token) as its marker;
    // the build is reproducible, so building it again gives the original layer to compare with.
    const original = await buildUniqueTestImage(join(scratch(), `original-${right.ctx.unique}`), right.ctx.unique);
    const originalContent = await readOciLayout(original.archive);
    expect(sha256(decrypted.layerTars[0]!)).toBe(originalContent.config.rootfs.diff_ids[0]);
    expect(await fileInLayer(decrypted.layerTars[0]!, original.marker.path)).toBe(original.marker.content);
    expect(original.marker.content).toContain(right.ctx.unique);
  });

  test('the key stored as its base64 text (44 bytes) does not unwrap: the guest would fail on key length', async () => {
    // The key as text, as kbs_set_resource (not kbs_set_resource_base64) would store it: on hardware CDH fails
    // "decrypt LEK using KEK failed … invalid key length" and ocicrypt reports the negative tests' failure text.
    const asText = right.plan.kbs.map((step) => (step.op === 'set-resource' ? { ...step, encoding: 'utf8' as const } : step));
    await applyKbsSteps(admin, asText);
    const text = kbs.storedResource(right.keyPath)!;
    expect(text.length, 'bytes stored').toBe(44);
    const packet = await annotationPacket(right.image);
    expect(() => unwrapAsCdh(packet, text)).toThrow(/Invalid key length/i);
  });
});

test('wrong key: KBS holds 32 bytes that fail GCM authentication, and skopeo cannot decrypt with them', async () => {
  test.setTimeout(5 * 60_000);
  const wrong = await applyPlan('encrypted-image/wrong-key-fails');
  const stored = kbs.storedResource(wrong.keyPath)!;
  expect(stored, `resource ${wrong.keyPath}`).toBeDefined();
  expect(stored.length, 'bytes stored').toBe(32);
  expect(stored.equals(Buffer.from(wrong.plan.images[0]!.keyBase64, 'base64'))).toBe(false);
  const packet = await annotationPacket(wrong.image);
  expect(packet.kid).toBe(wrong.kid);
  expect(() => unwrapAsCdh(packet, stored)).toThrow(/unable to authenticate data/i);
  await expect(decryptImage({ source: wrong.image, destination: `oci:${join(scratch(), `wrong-${wrong.ctx.unique}`)}:x`,
    keyBase64: stored.toString('base64'), kid: wrong.kid, skopeo })).rejects.toThrow(/GCM authentication failed/);
});

test("wrong length: KBS holds upstream's 8 decoded bytes, which fail on key length before any decryption", async () => {
  test.setTimeout(5 * 60_000);
  const short = await applyPlan('encrypted-image/wrong-length-key-fails');
  const stored = kbs.storedResource(short.keyPath)!;
  expect(stored, `resource ${short.keyPath}`).toBeDefined();
  expect(stored.length, 'bytes stored').toBe(8);
  expect(stored.equals(Buffer.from(profile.testImages.wrongKeyBase64, 'base64'))).toBe(true);
  const packet = await annotationPacket(short.image);
  expect(() => unwrapAsCdh(packet, stored)).toThrow(/Invalid key length/i);
});

test('the dry run records the key resources by their decoded size: 32, 32 and 8 bytes', async () => {
  // A cell that runs only this suite, as a runner matrix's `suites: [encrypted-images]` makes one.
  const cell: Cell = {
    id: 'v0.9.0/tdx/kubeadm-1.30/containerd/nydus', runner: 'selftest', release: 'v0.9.0', platform: 'tdx', arch: 'x86_64',
    cluster: { distro: 'kubeadm', kubernetes: '1.30' }, containerRuntime: 'containerd', pullMode: 'nydus', suites: ['encrypted-images'], required: false,
  };
  const planned = await planDryRun({ profile, platform: 'tdx', cell });
  if (planned.kind !== 'planned') throw new Error(`tdx is not planned: ${planned.reason}`);
  const firstCall = (id: string) => {
    const entry = planned.tests.find((t) => t.id === id);
    if (!entry || !('kbsCalls' in entry)) throw new Error(`${id} has no KBS calls in the dry run`);
    expect(entry.kbsCalls[0]!.path, id).toBe(`${profile.kbs.apiPrefix}/resource/default/key/ssh-demo`);
    return entry.kbsCalls[0]!.bodySummary;
  };
  expect(firstCall('encrypted-image/right-key-runs')).toBe('32 bytes (secret value not recorded)');
  expect(firstCall('encrypted-image/wrong-key-fails')).toBe('32 bytes (secret value not recorded)');
  expect(firstCall('encrypted-image/wrong-length-key-fails')).toBe('8 bytes (secret value not recorded)');
});
