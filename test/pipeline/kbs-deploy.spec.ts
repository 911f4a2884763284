import { expect, test } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRelease } from '../../matrix/index.ts';
import { redact } from '../../lib/exec/redact.ts';
import { deployKbs, removeKbs, useExternalKbs } from '../../harness/kbs/kbs-deploy.ts';
import { checkIbmSeCredentials, kbsRunnerInputsFromEnv, missingFiles } from '../../harness/kbs/platform-extras.ts';
import { kbsDeployPlan, kbsKustomization, kbsPaths, splitImage } from '../../harness/kbs/trustee-layout.ts';
import type { ProviderContext } from '../../harness/providers/index.ts';
import { recordingContext } from '../providers/support/recording-context.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('kbs-deploy');

const profile = loadRelease('v0.9.0');
const cluster = { name: 'c', kubeconfigPath: '/work/cell/kubeconfig', nodes: [], createdByHarness: true };
const T = '/work/cell/trustee/kbs/config/kubernetes';
const K = 'kubectl --kubeconfig /work/cell/kubeconfig';
const base = { recipe: profile.kbs, cluster, nodeIp: '10.0.0.12', nodeName: 'node-1', readyTimeoutSeconds: 300 };

test('trustee deploy (dry run): pinned ref, key.bin, admin key pair as base/kbs.key + kbs.pem, nodeport overlay, health', async () => {
  const { ctx, lines } = recordingContext();
  const kbs = await deployKbs(ctx, { ...base, platform: 'snp', handler: 'kata-qemu-snp', arch: 'x86_64' });
  expect(lines).toEqual([
    'git clone --quiet --no-checkout https://github.com/confidential-containers/trustee /work/cell/trustee',
    'git -C /work/cell/trustee checkout --quiet --force e890fc90c384207668fa3a4d6a2f2a2d652797ee',
    `# file: ${T}/overlays/x86_64/key.bin`,
    '# generate an Ed25519 admin key pair in /work/cell/kbs-admin (kbs.key mode 0600, kbs.pem)',
    `# file: ${T}/base/kbs.key`,
    `# file: ${T}/base/kbs.pem`,
    `# file: ${T}/coco-conformance/kustomization.yaml`,
    `${K} apply -k ${T}/coco-conformance`,
    '# wait (watch): KBS pod kbs-* Running in coco-tenant within 300s',
    `${K} -n coco-tenant get service kbs -o 'jsonpath={.spec.ports[0].nodePort}'`,
    '# health: GET http://<node-internal-ip>:<node-port>/ expecting HTTP 404 (404 Not Found)',
  ]);
  expect(kbs).toMatchObject({ deployedByHarness: true, image: profile.kbs.image, endpoint: { adminKeyFile: '/work/cell/kbs-admin/kbs.key', isDouble: false } });
  expect(kbs.manifests).toBeUndefined();
});

test('trustee deploy (dry run) on tdx: the PCCS URL goes into custom_pccs/sgx_default_qcnl.conf, custom_pccs is deployed', async () => {
  const { ctx, lines } = recordingContext();
  const entries: string[] = [];
  const record = ctx.record;
  ctx.record = (step, entry) => { entries.push(typeof entry === 'string' ? entry : entry.join(' ')); record(step, entry); };
  await deployKbs(ctx, { ...base, platform: 'tdx', handler: 'kata-qemu-tdx', arch: 'x86_64', runnerInputs: { pccsUrl: 'https://10.0.0.12:8081/sgx/certification/v4/' } });
  expect(lines).toContain(`# file: ${T}/custom_pccs/sgx_default_qcnl.conf`);
  expect(entries.find((e) => e.includes('sgx_default_qcnl.conf'))).toContain('"pccs_url": "https://10.0.0.12:8081/sgx/certification/v4/"');
  expect(entries.find((e) => e.includes('coco-conformance/kustomization.yaml'))).toContain('- ../custom_pccs');
});

test('trustee deploy (dry run) on se: credentials checked, the s390x PersistentVolume applied before the kustomization and removed after it', async () => {
  const { ctx, lines } = recordingContext();
  const kbs = await deployKbs(ctx, { ...base, platform: 'se', handler: 'kata-qemu-se', arch: 's390x', runnerInputs: { ibmSeCredsDir: '/opt/se-creds' } });
  const pv = lines.indexOf(`${K} apply -f /work/cell/kbs-persistent-volume.yaml`);
  expect(lines).toContain(`# file: ${T}/overlays/s390x/key.bin`);
  expect(lines.some((l) => l.startsWith('# check the IBM SE credentials in /opt/se-creds: certs/DigiCertCA.crt'))).toBe(true);
  expect(pv).toBeGreaterThan(0);
  expect(pv).toBeLessThan(lines.indexOf(`${K} apply -k ${T}/coco-conformance`));
  expect(kbs.manifests).toEqual(['/work/cell/kbs-persistent-volume.yaml']);
  const teardown = recordingContext();
  await removeKbs(teardown.ctx, kbs);
  expect(teardown.lines).toEqual([
    `${K} delete -k ${T}/coco-conformance --ignore-not-found --wait`,
    `${K} delete -f /work/cell/kbs-persistent-volume.yaml --ignore-not-found --wait`,
  ]);
});

test('a real run without the runner inputs tdx and s390x need stops before any command and names them', async () => {
  const { ctx, lines } = recordingContext();
  await expect(deployKbs({ ...ctx, dryRun: false }, { ...base, platform: 'tdx', handler: 'kata-qemu-tdx', arch: 'x86_64' })).rejects.toThrow(
    'failed to deploy KBS: missing runner input COCO_TDX_PCCS_URL (the PCCS URL custom_pccs/sgx_default_qcnl.conf points the KBS at on tdx)');
  await expect(deployKbs({ ...ctx, dryRun: false }, { ...base, platform: 'se', handler: 'kata-qemu-se', arch: 's390x' })).rejects.toThrow(
    /^failed to deploy KBS: missing runner input COCO_IBM_SE_CREDS_DIR \(the IBM SE credentials directory on the KBS node, holding certs\/DigiCertCA.crt, /);
  await expect(deployKbs({ ...ctx, dryRun: false }, { ...base, platform: 'control', handler: 'runc', arch: 's390x' })).rejects.toThrow(
    'failed to deploy KBS: missing runner input COCO_IBM_SE_CREDS_DIR (the node directory the local PersistentVolume pv.yaml points at; trustee\'s deploy-kbs.sh requires it on this arch)');
  expect(lines).toEqual([]);
});

test('runner inputs come from COCO_TDX_PCCS_URL and COCO_IBM_SE_CREDS_DIR; empty means not given', () => {
  expect(kbsRunnerInputsFromEnv({ COCO_TDX_PCCS_URL: 'https://pccs:8081/sgx/certification/v4/', COCO_IBM_SE_CREDS_DIR: ' ' })).toEqual({
    pccsUrl: 'https://pccs:8081/sgx/certification/v4/', ibmSeCredsDir: undefined,
  });
});

test('the IBM SE credential check names each missing file; HKD-*.crt matches the machine\'s own host key document', async () => {
  const dir = scratch('se-creds');
  for (const file of ['certs/DigiCertCA.crt', 'certs/ibm-z-host-key-signing-gen2.crt', 'crls/ibm-z-host-key-gen2.crl', 'hkds/HKD-3931-0275D38.crt']) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), 'x');
  }
  expect(await missingFiles(dir, profile.kbs.deployDirs.se!.credentialFiles)).toEqual(['hdr/hdr.bin', 'rsa/encrypt_key.pem', 'rsa/encrypt_key.pub']);
  const { ctx } = recordingContext();
  await expect(checkIbmSeCredentials({ ...ctx, dryRun: false }, profile.kbs.deployDirs.se!, { ibmSeCredsDir: dir })).rejects.toThrow(
    `failed to deploy KBS: the IBM SE credentials directory ${dir} lacks hdr/hdr.bin, rsa/encrypt_key.pem, rsa/encrypt_key.pub`);
});

test('trustee deploy (dry run) never records a secret: key.bin and the private key are shown as placeholders', async () => {
  const entries: string[] = [];
  const ctx: ProviderContext = { workDir: '/w', dryRun: true, log: () => {}, record: (_s, e) => entries.push(typeof e === 'string' ? e : e.join(' ')) };
  await deployKbs(ctx, { ...base, platform: 'snp', handler: 'kata-qemu-snp', arch: 'x86_64' });
  const keyBin = entries.find((e) => e.includes('key.bin'))!;
  expect(keyBin.split('\n')[1]).toBe('<32 random bytes, base64: not shown>');
  expect(entries.find((e) => e.includes('base/kbs.key'))!.split('\n')[1]).toBe('<Ed25519 private key: not shown>');
  expect(entries.join('\n')).not.toContain('PRIVATE KEY');
});

test('the harness kustomization names its resource relatively and pins the image by the name trustee\'s base renamed it to', () => {
  const text = kbsKustomization({ resource: '../nodeport/x86_64', baseImageName: profile.kbs.baseImageName, image: 'ghcr.io/confidential-containers/staged-images/kbs:e890fc9' });
  expect(text).toContain('- ../nodeport/x86_64');
  expect(text).toContain('name: ghcr.io/confidential-containers/key-broker-service');
  expect(text).not.toContain('kbs-container-image');
  expect(text).toContain('newName: ghcr.io/confidential-containers/staged-images/kbs');
  expect(text).toContain('newTag: e890fc9');
  expect(text).toContain('app.kubernetes.io/managed-by: coco-conformance');
  expect(() => kbsKustomization({ resource: '/t/nodeport/x86_64', baseImageName: 'x', image: 'y' })).toThrow(
    'failed to write the KBS kustomization: resource /t/nodeport/x86_64 is absolute');
  expect(splitImage('localhost:5000/kbs')).toEqual({ newName: 'localhost:5000/kbs' });
  expect(splitImage('ghcr.io/a/kbs:v1@sha256:0123')).toEqual({ newName: 'ghcr.io/a/kbs', digest: 'sha256:0123' });
});

test('deploy directories by KATA_HYPERVISOR, as confidential_kbs.sh: qemu-tdx → custom_pccs, qemu-se → nodeport/s390x (no ibm-se dir at e890fc9), others nodeport/<arch>', () => {
  expect(kbsDeployPlan(profile.kbs, 'kata-qemu-tdx', 'x86_64')).toMatchObject({ platform: 'tdx', dir: 'custom_pccs' });
  expect(kbsDeployPlan(profile.kbs, 'kata-qemu-se', 's390x')).toMatchObject({ platform: 'se', dir: 'nodeport/s390x' });
  expect(kbsDeployPlan(profile.kbs, 'kata-qemu-snp', 'x86_64')).toEqual({ platform: 'default', dir: 'nodeport/x86_64' });
  expect(kbsDeployPlan(profile.kbs, 'runc', 's390x')).toEqual({ platform: 'default', dir: 'nodeport/s390x' });
  expect(kbsPaths('/c', profile.kbs, 'kata-qemu-tdx', 'x86_64').deployDirFromKustomization).toBe('../custom_pccs');
  // kata 3.7.0 confidential_kbs.sh:277 `== "qemu-se"` exactly: a runtime-rs SE shim is not SE's deploy there.
  expect(kbsDeployPlan(profile.kbs, 'kata-qemu-se-runtime-rs', 's390x')).toEqual({ platform: 'default', dir: 'nodeport/s390x' });
});

test('kata 3.21.0+ deploys SE for every qemu-se* hypervisor; ITA only for qemu-tdx, never for qemu-nvidia-gpu-tdx (kata 3.25.0 confidential_kbs.sh:388,405)', () => {
  const v016 = loadRelease('v0.16.0');
  expect(kbsDeployPlan(v016.kbs, 'kata-qemu-se-runtime-rs', 's390x')).toMatchObject({ platform: 'se', dir: 'nodeport/ibm-se' });
  const v018 = loadRelease('v0.18.0');
  expect(kbsDeployPlan(v018.kbs, 'kata-qemu-tdx', 'x86_64')).toMatchObject({ platform: 'tdx', dir: 'ita' });
  expect(kbsDeployPlan(v018.kbs, 'kata-qemu-nvidia-gpu-tdx', 'x86_64')).toEqual({ platform: 'default', dir: 'nodeport' });
  expect(kbsDeployPlan(v018.kbs, 'kata-qemu-nvidia-gpu-snp', 'x86_64')).toEqual({ platform: 'default', dir: 'nodeport' });
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
    expect(redact(`oops ${key}`)).toBe('oops [secret:kbs-admin-key]');
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

test('later trustee layouts, from the profiles: flat nodeport, ITA on TDX (its key a secret, its image pinned), SE in overlays/ibm-se', async () => {
  const v018 = loadRelease('v0.18.0');
  const { ctx, lines } = recordingContext();
  const entries: string[] = [];
  const record = ctx.record;
  ctx.record = (step, entry) => { entries.push(typeof entry === 'string' ? entry : entry.join(' ')); record(step, entry); };
  await deployKbs(ctx, { ...base, recipe: v018.kbs, platform: 'tdx', handler: 'kata-qemu-tdx', arch: 'x86_64', runnerInputs: { itaApiKey: 'ita-key-5f0c2e9a' } });
  // kata 3.25.0 confidential_kbs.sh:405-428: DEPLOYMENT_DIR=ita, ITA_KEY into ita/kbs-config.toml, the kbs-ita-as image.
  expect(lines).toContain(`# file: ${T}/overlays/key.bin`);
  expect(lines.some((l) => l.startsWith(`# file: ${T}/ita/kbs-config.toml`))).toBe(true);
  expect(entries.join('\n')).not.toContain('ita-key-5f0c2e9a');
  const kustomization = entries.find((e) => e.includes('coco-conformance/kustomization.yaml'))!;
  expect(kustomization).toContain('- ../ita');
  expect(kustomization).toContain('newName: ghcr.io/confidential-containers/staged-images/kbs-ita-as');
  await expect(deployKbs({ ...ctx, dryRun: false }, { ...base, recipe: v018.kbs, platform: 'tdx', handler: 'kata-qemu-tdx', arch: 'x86_64' })).rejects.toThrow(
    'failed to deploy KBS: missing runner input COCO_ITA_API_KEY (the Intel Trust Authority API key ita/kbs-config.toml needs on tdx)');
  // SE: key.bin and the PersistentVolume of overlays/ibm-se, nodeport/ibm-se deployed; other s390x platforms need no PV.
  const se = recordingContext();
  await deployKbs(se.ctx, { ...base, recipe: v018.kbs, platform: 'se', handler: 'kata-qemu-se', arch: 's390x', runnerInputs: { ibmSeCredsDir: '/opt/se-creds' } });
  expect(se.lines).toContain(`# file: ${T}/overlays/ibm-se/key.bin`);
  expect(se.lines).toContain(`${K} apply -f /work/cell/kbs-persistent-volume.yaml`);
  const dev = recordingContext();
  await deployKbs(dev.ctx, { ...base, recipe: v018.kbs, platform: 'coco-dev', handler: 'kata-qemu-coco-dev', arch: 's390x' });
  expect(dev.lines).not.toContain(`${K} apply -f /work/cell/kbs-persistent-volume.yaml`);
  expect(kbsDeployPlan(v018.kbs, 'kata-qemu-snp', 'x86_64')).toEqual({ platform: 'default', dir: 'nodeport' });
});
