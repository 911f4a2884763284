import { expect, test } from '@playwright/test';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';
import { loadRelease } from '../../matrix/index.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { deployKbs } from '../../harness/kbs/kbs-deploy.ts';
import { checkBaseImageName } from '../../harness/kbs/trustee-layout.ts';
import { persistentVolumeManifest, type KbsRunnerInputs } from '../../harness/kbs/platform-extras.ts';
import type { ProviderContext } from '../../harness/providers/index.ts';
import { HARNESS_LABEL_KEY, HARNESS_LABEL_VALUE } from '../../lib/cluster/index.ts';
import { kubectlForKustomize } from './support/kustomize-binary.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('kbs-kustomize-render');

/** The harness's KBS kustomization rendered by the real kustomize (`kubectl kustomize`) over a double of trustee's
 *  kbs/config/kubernetes at e890fc9 (fixtures/trustee-e890fc9-layout, see its README). The deploy code runs in dry
 *  run; the files it would write (key.bin, kbs.pem, the QCNL file, the kustomization) are written into a copy of
 *  the double, exactly as recorded, and kustomize builds the result. */

const profile = loadRelease('v0.9.0');
const DOUBLE = resolve(import.meta.dirname, 'fixtures/trustee-e890fc9-layout');
const cluster = { name: 'c', kubeconfigPath: '/work/cell/kubeconfig', nodes: [], createdByHarness: true };

interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}
interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

/** A dry-run context that writes every recorded `# file:` entry to disk, the rest only kept as lines. */
function materialisingContext(workDir: string): { ctx: ProviderContext; lines: string[] } {
  const lines: string[] = [];
  const record = (_step: string, entry: string | readonly string[]) => {
    const text = typeof entry === 'string' ? entry : entry.join(' ');
    const [first = '', ...content] = text.split('\n');
    lines.push(first);
    if (!first.startsWith('# file: ')) return;
    const file = first.slice('# file: '.length);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content.join('\n'));
  };
  return { ctx: { workDir, dryRun: true, log: () => {}, record }, lines };
}

/** Deploys (dry run) over a fresh copy of the double, then renders the harness kustomization with real kustomize. */
async function deployAndRender(platform: PlatformId, arch: Arch, runnerInputs: KbsRunnerInputs = {}) {
  const checkout = scratch('trustee');
  cpSync(DOUBLE, checkout, { recursive: true });
  const { ctx, lines } = materialisingContext(scratch('cell'));
  const kbs = await deployKbs(ctx, {
    recipe: profile.kbs, platform, handler: profile.platforms[platform]!.handler, arch, cluster, nodeIp: '10.0.0.12', nodeName: 'node-1', readyTimeoutSeconds: 300,
    trusteeCheckout: checkout, runnerInputs,
  });
  const kustomization = parse(readFileSync(join(kbs.kustomization!, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return { kbs, lines, kustomization, objects: await render(kbs.kustomization!) };
}

async function render(dir: string): Promise<K8sObject[]> {
  const result = await kustomize(dir);
  expect(result.exitCode, `kubectl kustomize ${dir}: ${result.stderr}`).toBe(0);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

function kustomize(dir: string) {
  return runCommand([kubectlForKustomize(), 'kustomize', dir], { nothrow: true });
}

function kbsContainer(objects: K8sObject[]): Container {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === profile.kbs.deployment);
  expect(deployment, 'the rendered Deployment kbs').toBeDefined();
  const containers = (deployment!.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers;
  return containers.find((c) => c.name === 'kbs')!;
}

function expectHarnessLabelEverywhere(objects: K8sObject[]): void {
  for (const o of objects) expect(o.metadata.labels?.[HARNESS_LABEL_KEY], `${o.kind}/${o.metadata.name}`).toBe(HARNESS_LABEL_VALUE);
}

test('default (nodeport/x86_64): kustomize accepts the kustomization, the kbs container runs exactly kbs.image, all objects are labelled', async () => {
  const { objects, kustomization } = await deployAndRender('snp', 'x86_64');
  expect(kustomization.resources).toEqual(['../nodeport/x86_64']);
  expect(kbsContainer(objects).image).toBe(profile.kbs.image);
  expectHarnessLabelEverywhere(objects);
  expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'Namespace', 'Secret', 'Secret', 'Service']);
  expect(objects.find((o) => o.kind === 'Service')!.spec!.type).toBe('NodePort');
});

test('tdx: custom_pccs is deployed, its QCNL ConfigMap carries the runner\'s PCCS URL, the image is still kbs.image', async () => {
  const pccsUrl = 'https://10.0.0.12:8081/sgx/certification/v4/';
  const { objects, kustomization } = await deployAndRender('tdx', 'x86_64', { pccsUrl });
  expect(kustomization.resources).toEqual(['../custom_pccs']);
  const qcnl = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('dcap-attestation-conf-'));
  expect(JSON.parse(qcnl!.data!['sgx_default_qcnl.conf']!)).toEqual({ pccs_url: pccsUrl, use_secure_cert: false });
  const kbs = kbsContainer(objects);
  expect(kbs.image).toBe(profile.kbs.image);
  expect(kbs.volumeMounts).toContainEqual(expect.objectContaining({ name: 'qplconf', mountPath: '/etc/sgx_default_qcnl.conf' }));
  expectHarnessLabelEverywhere(objects);
});

test('se (s390x): the SE directory is deployed with its PVC and credentials mount, certificate check skipped, image kbs.image', async () => {
  const { objects, kustomization } = await deployAndRender('se', 's390x', { ibmSeCredsDir: '/opt/se-creds' });
  expect(kustomization.resources).toEqual(['../nodeport/s390x']);
  const kbs = kbsContainer(objects);
  expect(kbs.image).toBe(profile.kbs.image);
  expect(kbs.volumeMounts).toContainEqual({ name: 'test-local-volume', mountPath: '/run/confidential-containers/ibmse/' });
  // Merged onto trustee's entry, not added beside it: one variable, the value the profile asks for.
  expect(kbs.env).toEqual([{ name: 'SE_SKIP_CERTS_VERIFICATION', value: 'true' }]);
  expect(objects.find((o) => o.kind === 'PersistentVolumeClaim')?.metadata.name).toBe('test-local-pvc');
  expectHarnessLabelEverywhere(objects);
});

test('s390x PersistentVolume: the double\'s pv.yaml with the credentials directory and node substituted, labelled', () => {
  const template = readFileSync(join(DOUBLE, profile.kbs.kustomizeDir, profile.kbs.persistentVolumes.s390x!), 'utf8');
  const pv = parse(persistentVolumeManifest(template, { IBM_SE_CREDS_DIR: '/opt/se-creds', NODE_NAME: 'node-1' }));
  expect(pv.kind).toBe('PersistentVolume');
  expect(pv.spec.local.path).toBe('/opt/se-creds');
  expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['node-1']);
  expect(pv.metadata.labels).toEqual({ [HARNESS_LABEL_KEY]: HARNESS_LABEL_VALUE });
  expect(() => persistentVolumeManifest(template, { IBM_SE_CREDS_DIR: '/x' })).toThrow(
    'failed to prepare the KBS persistent volume: the template still names ${NODE_NAME}');
});

test('the old kustomization fails both ways on real kustomize: absolute resource refused, placeholder name pins nothing', async () => {
  const root = join(scratch('trustee'), profile.kbs.kustomizeDir);
  cpSync(join(DOUBLE, profile.kbs.kustomizeDir), root, { recursive: true });
  for (const file of ['base/kbs.pem', 'overlays/x86_64/key.bin']) writeFileSync(join(root, file), 'x\n');
  const oldShape = (resource: string) => stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [resource],
    images: [{ name: 'kbs-container-image', newName: 'ghcr.io/confidential-containers/staged-images/kbs', newTag: profile.kbs.ref }],
  });
  const outside = scratch('kbs-deploy');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'kustomization.yaml'), oldShape(join(root, 'nodeport/x86_64')));
  const refused = await kustomize(outside);
  expect(refused.exitCode).not.toBe(0);
  expect(refused.stderr).toContain('cannot be absolute');

  const inside = join(root, 'old-shape');
  mkdirSync(inside);
  writeFileSync(join(inside, 'kustomization.yaml'), oldShape('../nodeport/x86_64'));
  expect(kbsContainer(await render(inside)).image).toBe('ghcr.io/confidential-containers/key-broker-service:built-in-as-v0.9.0');
});

test('a real run checks kbs.baseImageName against the checkout\'s base/kustomization.yaml rename', () => {
  const file = join(DOUBLE, profile.kbs.kustomizeDir, 'base/kustomization.yaml');
  const text = readFileSync(file, 'utf8');
  expect(() => checkBaseImageName(text, profile.kbs.baseImageName, file)).not.toThrow();
  expect(() => checkBaseImageName(text, 'kbs-container-image', file)).toThrow(
    `failed to pin the KBS image: ${file} names the KBS image ghcr.io/confidential-containers/key-broker-service, but kbs.baseImageName is kbs-container-image`);
});
