import { expect, test } from '@playwright/test';
import { loadRelease, TEST_CATALOG, type PlatformId } from '../../matrix/index.ts';
import {
  namespaceName, planFor, platformSpec, unplannedTestIds, type ManifestContext, type PodManifest, type SecretManifest, type TestPlan,
} from '../../fixtures/manifests/index.ts';

// The rendered manifests against ../shared/reference/upstream-facts.md (kata 3.7.0, CoCo v0.9.0).
const profile = loadRelease('v0.9.0');
const KBS = 'http://192.0.2.10:30080';
const KERNEL_PARAMS = 'io.katacontainers.config.hypervisor.kernel_params';
const HANDLER = 'io.containerd.cri.runtime-handler';
const POLICY = 'io.katacontainers.config.agent.policy';

function ctx(platform: PlatformId, extra: Partial<ManifestContext> = {}): ManifestContext {
  return {
    profile, platform, spec: platformSpec(profile, platform), kbsUrl: KBS, unique: '1a2b3c4d',
    namespace: namespaceName('x/y', '1a2b3c4d'), images: { kind: 'upstream' },
    registryCredentials: { username: 'user', password: 'secret-password' }, ...extra,
  };
}
const pods = (plan: TestPlan): PodManifest[] => plan.manifests.filter((m): m is PodManifest => m.kind === 'Pod');
const podOf = (plan: TestPlan): PodManifest => pods(plan).find((p) => p.metadata.name === plan.pod)!;

test('every catalog test has a plan', () => {
  expect(unplannedTestIds()).toEqual([]);
});

test('runtime class names and handlers per platform', () => {
  const expected: [PlatformId, string, string][] = [
    ['tdx', 'kata-qemu-tdx', 'kata-qemu-tdx'], ['snp', 'kata-qemu-snp', 'kata-qemu-snp'],
    ['sev', 'kata-qemu-sev', 'kata-qemu-sev'], ['se', 'kata-qemu-se', 'kata-qemu-se'], ['control', 'control', 'runc'],
  ];
  for (const [platform, runtimeClass, handler] of expected) {
    const pod = podOf(planFor('attestation/resource-released-allow-all', ctx(platform)));
    expect(pod.spec.runtimeClassName).toBe(runtimeClass);
    expect(pod.metadata.annotations?.[HANDLER]).toBe(handler);
  }
});

test('attestation: CDH resource endpoint, kernel params and the allow-all agent policy', () => {
  const plan = planFor('attestation/resource-released-allow-all', ctx('snp'));
  const pod = podOf(plan);
  expect(pod.metadata.name).toBe('aa-test-cc');
  expect(pod.metadata.annotations?.[KERNEL_PARAMS]).toBe(`agent.guest_components_rest_api=resource agent.aa_kbc_params=cc_kbc::${KBS}`);
  const policy = Buffer.from(pod.metadata.annotations?.[POLICY] ?? '', 'base64').toString();
  expect(policy).toContain('package agent_policy');
  expect(policy).toContain('default CreateContainerRequest := true');
  expect(policy).toContain('default ExecProcessRequest := true');
  expect(pod.spec.containers[0]?.image).toBe('quay.io/kata-containers/alpine-bash-curl:latest');
  expect(pod.spec.containers[0]?.command?.join(' ')).toContain('curl -s \'http://127.0.0.1:8006/cdh/resource/default/aa/key-1a2b3c4d\'');
  expect(plan.kbs[0]).toMatchObject({ op: 'set-resource', path: 'default/aa/key-1a2b3c4d', value: 'aatest-1a2b3c4d' });
  const deny = planFor('attestation/resource-withheld-deny-all', ctx('snp'));
  expect(deny.expect.resourcePath).toBe('default/aa/key-withheld-1a2b3c4d');
});

test('every pod: imagePullPolicy Always, pinned to the node when known, restartPolicy Never', () => {
  for (const t of TEST_CATALOG) {
    for (const pod of pods(planFor(t.id, ctx('tdx', { nodeName: 'worker-1' })))) {
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) expect(c.imagePullPolicy, t.id).toBe('Always');
      expect(pod.spec.nodeName, t.id).toBe('worker-1');
      expect(pod.spec.restartPolicy).toBe('Never');
    }
  }
  expect(podOf(planFor('tee-evidence/guest-is-tee', ctx('tdx'))).spec.nodeSelector).toEqual({ 'katacontainers.io/kata-runtime': 'true' });
});

test('IBM SE: no kernel_params annotation (baked into the image) and no agent policy', () => {
  for (const t of TEST_CATALOG) {
    for (const pod of pods(planFor(t.id, ctx('se')))) {
      expect(pod.metadata.annotations?.[KERNEL_PARAMS], t.id).toBeUndefined();
      expect(pod.metadata.annotations?.[POLICY], t.id).toBeUndefined();
    }
  }
  // The baked agent.image_registry_auth names the fixed path, so SE uses it.
  expect(planFor('authenticated-registry/right-credentials-run', ctx('se')).expect.credentialsPath).toBe('default/credentials/test');
});

test('encrypted images: CDH process and KBS params; upstream key at default/key/ssh-demo; self-built unique kid', () => {
  const upstream = planFor('encrypted-image/right-key-runs', ctx('tdx'));
  expect(podOf(upstream).metadata.annotations?.[KERNEL_PARAMS]).toBe(
    `agent.guest_components_procs=confidential-data-hub agent.aa_kbc_params=cc_kbc::${KBS}`);
  expect(podOf(upstream).spec.containers[0]?.image).toBe('ghcr.io/confidential-containers/test-container:multi-arch-encrypted');
  expect(upstream.kbs[0]).toMatchObject({ path: 'default/key/ssh-demo', value: 'HUlOu8NWz8si11OZUzUJMnjiq/iZyHBJZMSD3BaqgMc=' });
  expect(planFor('encrypted-image/wrong-key-fails', ctx('tdx')).kbs[0]).toMatchObject({ value: 'anVua19rZXk=' });
  expect(planFor('encrypted-image/no-key-fails', ctx('tdx')).kbs).toEqual([]);
  const selfBuilt = planFor('encrypted-image/right-key-runs', ctx('tdx', { images: {
    kind: 'self-built', registry: '10.0.0.1:5000', plain: '10.0.0.1:5000/busybox:1', skopeo: 'skopeo', authRegistry: '10.0.0.1:5001',
    authenticated: '10.0.0.1:5001/private/busybox:1', credentialsFile: '/dev/null' } }));
  expect(selfBuilt.images[0]).toMatchObject({ kid: 'kbs:///default/key/ssh-demo-1a2b3c4d', source: '10.0.0.1:5000/busybox:1 with a unique marker 1a2b3c4d' });
  expect(Buffer.from(selfBuilt.images[0]!.keyBase64, 'base64')).toHaveLength(32);
  expect(selfBuilt.kbs[0]).toMatchObject({ path: 'default/key/ssh-demo-1a2b3c4d', value: selfBuilt.images[0]!.keyBase64 });
});

test('authenticated registries: registry auth param, the {"auths"} resource and the host imagePullSecret', () => {
  const plan = planFor('authenticated-registry/right-credentials-run', ctx('snp'));
  expect(podOf(plan).metadata.annotations?.[KERNEL_PARAMS]).toBe(`agent.guest_components_rest_api=resource agent.aa_kbc_params=cc_kbc::${KBS} ` +
    'agent.image_registry_auth=kbs:///default/credentials/test-1a2b3c4d');
  const resource = JSON.parse(plan.kbs[0]!.op === 'set-resource' ? plan.kbs[0]!.value : '{}');
  expect(resource).toEqual({ auths: { 'quay.io/kata-containers/confidential-containers-auth': {
    auth: Buffer.from('user:secret-password').toString('base64') } } });
  expect(podOf(plan).spec.imagePullSecrets).toEqual([{ name: 'cococred' }]);
  const secret = plan.manifests.find((m): m is SecretManifest => m.kind === 'Secret')!;
  expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
  // No credentials: no KBS params at all, as upstream's create_coco_pod_yaml without image_registry_auth.
  const none = planFor('authenticated-registry/no-credentials-fail', ctx('snp'));
  expect(podOf(none).metadata.annotations?.[KERNEL_PARAMS]).toBe('agent.guest_components_rest_api=resource');
  // Where the release claims nothing, the host gets the same wrong credentials the guest would.
  const controlWrong = planFor('authenticated-registry/wrong-credentials-fail', ctx('control'));
  const hostSecret = controlWrong.manifests.find((m): m is SecretManifest => m.kind === 'Secret')!;
  expect(hostSecret.stringData['.dockerconfigjson']).toContain('"password":"junk"');
  expect(planFor('authenticated-registry/credentials-exposed-to-host', ctx('snp')).manifests.some((m) => m.kind === 'Secret')).toBe(false);
});

test('sealed secrets: sealed.<header>.<payload>.<signature> naming the unique resource', () => {
  const plan = planFor('sealed-secret/unsealed-with-resource', ctx('snp'));
  const sealed = plan.manifests.find((m): m is SecretManifest => m.kind === 'Secret' && m.metadata.name === 'sealed-secret')!;
  const parts = sealed.stringData.secret!.split('.');
  expect(parts).toHaveLength(4);
  expect(parts[0]).toBe('sealed');
  expect(JSON.parse(Buffer.from(parts[2]!, 'base64').toString())).toMatchObject({
    version: '0.1.0', type: 'vault', name: 'kbs:///default/sealed-secret/test-1a2b3c4d', provider: 'kbs' });
  expect(podOf(plan).metadata.annotations?.[KERNEL_PARAMS]).toBe(
    `agent.guest_components_procs=confidential-data-hub agent.aa_kbc_params=cc_kbc::${KBS}`);
  expect(plan.expect.unsealedLine).toBe('PROTECTED_SECRET = unsealed_secret_1a2b3c4d');
});

test('KBS resource paths keep the repository/type/tag shape with a unique tag', () => {
  for (const t of TEST_CATALOG) {
    for (const step of planFor(t.id, ctx('tdx')).kbs) {
      if (step.op === 'set-resource') expect(step.path, t.id).toMatch(/^default\/[a-z-]+\/[a-z0-9-]+$/);
    }
  }
});

test('guest pull: runc pod first, then the kata pod with the runtime handler; init container shares an emptyDir', () => {
  const plan = planFor('guest-pull/not-unpacked-on-host', ctx('snp'));
  const [runc, kata] = pods(plan);
  expect(runc?.spec.runtimeClassName).toBeUndefined();
  expect(runc?.metadata.annotations).toBeUndefined();
  expect(kata?.metadata.annotations?.[HANDLER]).toBe('kata-qemu-snp');
  expect(plan.readyBeforeNext).toEqual([runc?.metadata.name]);
  const init = podOf(planFor('guest-pull/init-container-shared-volume', ctx('snp')));
  expect(init.spec.volumes).toEqual([{ name: 'shared', emptyDir: {} }]);
  expect(init.spec.initContainers?.[0]?.volumeMounts).toEqual([{ name: 'shared', mountPath: '/shared' }]);
});
