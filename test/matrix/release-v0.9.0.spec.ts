import { expect, test } from '@playwright/test';
import { FEATURES, loadRelease, type OperatorInstall, type PlatformId } from '../../matrix/index.ts';

const PLATFORMS = ['tdx', 'snp', 'sev', 'se', 'coco-dev', 'enclave-cc-hw', 'enclave-cc-sim', 'control'];

/** The facts v0.9.0.yaml must carry (release notes + upstream-facts.md). */
const profile = loadRelease('v0.9.0');
const TRUSTEE = 'e890fc90c384207668fa3a4d6a2f2a2d652797ee';

test('components and the KBS recipe', () => {
  expect(profile.releaseDate).toBe('2024-07-26');
  expect(profile.components).toMatchObject({
    kata: { version: '3.7.0' }, operator: { version: 'v0.9.0' }, guestComponents: { version: 'v0.9.0' }, enclaveCc: { version: 'v0.9.1' },
    trustee: { ref: TRUSTEE, image: `ghcr.io/confidential-containers/staged-images/kbs:${TRUSTEE}` },
  });
  expect(profile.kbs).toMatchObject({
    ref: TRUSTEE, namespace: 'coco-tenant', port: 8080, apiPrefix: '/kbs/v0', resourceDelete: false, healthCheckExpects: '404 Not Found',
    adminAuth: { style: 'ed25519-jwt', claims: ['iat', 'exp', 'nbf'], validitySeconds: 7200, clockSkewSeconds: 900 },
  });
  expect(profile.kbs.policies.defaultResourcePolicy).toContain('input["tee"] != "sample"');
  expect(profile.kbs.policies.allowAll).toContain('default allow = true');
  expect(profile.kbs.policies.denyAll).toContain('default allow = false');
});

test('operator install: refs, overlays and their runtime classes, readiness, uninstall order', () => {
  const install = profile.install as OperatorInstall;
  expect(install.method).toBe('operator');
  expect(install.operatorKustomization).toBe('github.com/confidential-containers/operator/config/release?ref=v0.9.0');
  expect(install.workerLabel).toEqual({ key: 'node.kubernetes.io/worker', value: '' });
  expect(Object.keys(install.overlays)).toEqual(['default', 's390x', 'peer-pods', 'enclave-cc-hw', 'enclave-cc-sim']);
  expect(install.overlays.default).toMatchObject({ ccRuntime: 'ccruntime-sample', defaultRuntimeClassHandler: 'kata-qemu', snapshotter: 'nydus' });
  expect(install.overlays.default?.runtimeClasses).toEqual(expect.arrayContaining(['kata-clh', 'kata-qemu', 'kata-qemu-tdx', 'kata-qemu-sev', 'kata-qemu-snp']));
  // s390x/kustomization.yaml sets defaultRuntimeClassName kata-qemu, so kata-deploy creates `kata` as well.
  expect(install.overlays.s390x).toMatchObject({ runtimeClasses: ['kata', 'kata-qemu', 'kata-qemu-se'], defaultRuntimeClassHandler: 'kata-qemu' });
  expect(install.overlays['peer-pods']?.runtimeClasses).toEqual(['kata-remote']);
  expect(install.overlays['enclave-cc-hw']?.kustomization).toContain('config/samples/enclave-cc/hw?ref=v0.9.0');
  expect(Object.values(install.overlays).flatMap((o) => o.runtimeClasses)).not.toContain('kata-qemu-coco-dev');
  expect(install.readiness).toEqual({
    controllerPodPrefix: 'cc-operator-controller-manager',
    controllerTimeoutSeconds: 120, runtimeClassTimeoutSeconds: 300,
    installed: { by: 'daemon-pods', pods: ['cc-operator-daemon-install', 'cc-operator-pre-install-daemon'], timeoutSeconds: 600 },
    // operator.sh wait_for_stabilization: `iteration -gt 3` (4 unchanged looks), `sleep 21`, `count -gt 20`.
    stabilisation: { unchangedPolls: 4, intervalSeconds: 21, maxPolls: 21 },
  });
  expect(install.uninstall.map((step) => step.action)).toEqual([
    'delete-ccruntime', 'wait-pods-gone', 'wait-runtime-classes-gone', 'wait-node-labels-gone', 'delete-operator', 'wait-controller-gone',
  ]);
  // operator.sh uninstall_ccruntime waits 720 s for the daemons, uninstall_operator 180 s for the controller.
  expect(install.uninstall.find((step) => step.action === 'wait-pods-gone')).toMatchObject({ timeoutSeconds: 720 });
  expect(install.uninstall.find((step) => step.action === 'wait-controller-gone')).toMatchObject({ timeoutSeconds: 180 });
});

test('node labels per overlay: kata overlays wait for kata-runtime, enclave-cc for its own label', () => {
  const install = profile.install as OperatorInstall;
  const kata = { 'cc-preinstall/done': 'true', 'katacontainers.io/kata-runtime': 'true' };
  const enclaveCc = { 'cc-preinstall/done': 'true', 'confidentialcontainers.org/enclave-cc': 'true' };
  expect(Object.fromEntries(Object.entries(install.overlays).map(([name, overlay]) => [name, overlay.nodeLabels]))).toEqual({
    default: kata, s390x: kata, 'peer-pods': kata, 'enclave-cc-hw': enclaveCc, 'enclave-cc-sim': enclaveCc,
  });
});

test('guest-components v0.9.0 behaviour', () => {
  const gc = profile.guestComponents;
  expect(gc.kbsConfig).toBe('kernel-params');
  expect(gc.kernelParams).toEqual({
    kbc: 'agent.aa_kbc_params=cc_kbc::${KBS}',
    restApiResource: 'agent.guest_components_rest_api=resource',
    procsCdh: 'agent.guest_components_procs=confidential-data-hub',
    registryAuth: 'agent.image_registry_auth=${RESOURCE}',
  });
  expect(gc.sealedSecret).toEqual({ encoding: 'base64-standard', header: 'fakejwsheader', signature: 'fakesignature', payloadVersion: '0.1.0' });
  expect(gc.resourcePaths.credentials).toBe('default/credentials/test');
  // kata 3.7.0 lib.sh:178 set_metadata_annotation has no qemu-se branch: the guest boots its secure image's parameters, rebuilt per pod nowhere.
  expect(profile.platforms.se?.secureImage).toEqual({ note: expect.stringContaining('lib.sh:178') });
  expect(gc.failureTexts.encryptedImageWrongKey).toEqual({ surfaces: 'guest-log', fragments: ['failed to get decrypt key missing private key needed for decryption'] });
  expect(gc.failureTexts.authenticatedRegistryWrongCredentials).toEqual({ surfaces: 'guest-log', fragments: ['failed to pull manifest Not authorized'] });
  expect(gc.initData).toBeUndefined();
});

test('signed images: v0.10.0 values (kata 3.9.0), marked as such, under the v0.9.0 limitation', () => {
  expect(profile.guestComponents.signedImages).toEqual({
    valuesFrom: 'v0.10.0',
    securityPolicyPath: 'default/security-policy/test',
    cosignKeyPath: 'default/cosign-public-key/test',
    kernelParams: { imagePolicy: 'agent.image_policy_file=${RESOURCE}', signatureVerification: 'agent.enable_signature_verification=true' },
    failureTexts: {
      unsignedImage: { surfaces: 'guest-log', fragments: ['Security validate failed: Validate image failed: Cannot pull manifest'] },
      wrongKey: { surfaces: 'guest-log', fragments: ['Security validate failed: Validate image failed: [PublicKeyVerifier'] },
    },
  });
  expect(profile.limitations.find((l) => l.id === 'signed-images-not-supported')?.text).toBe('Signed images are not yet supported.');
});

test('platforms, with coco-dev not shipped and control as runc', () => {
  expect(Object.keys(profile.platforms).sort()).toEqual([...PLATFORMS].sort());
  expect(profile.platforms['coco-dev']).toMatchObject({ shipped: false, runtimeClass: 'kata-qemu-coco-dev' });
  expect(profile.platforms['coco-dev']?.note).toContain('v0.10.0');
  expect(profile.platforms.control).toMatchObject({ runtimeClass: 'control', handler: 'runc', tee: false, shipped: true });
  expect(profile.platforms.se).toMatchObject({ runtimeClass: 'kata-qemu-se', arches: ['s390x'], overlay: 's390x' });
  expect(profile.platforms['enclave-cc-hw']).toMatchObject({ runtimeClass: 'enclave-cc', overlay: 'enclave-cc-hw' });
});

test('TEE evidence: one probe per TEE platform, runnable in busybox; the control carries all of them', () => {
  const probes = (platform: PlatformId) => profile.platforms[platform]?.teeEvidence ?? [];
  expect(probes('tdx')).toEqual([{ name: 'tdx', command: ['sed', '-n', '/^flags/{p;q}', '/proc/cpuinfo'], expect: '^flags\\s*:.*\\btdx_guest\\b' }]);
  expect(probes('snp')).toEqual([{ name: 'snp', command: ['dmesg'], expect: 'Memory Encryption Features active:.*SEV-SNP' }]);
  expect(probes('sev')).toEqual([{ name: 'sev', command: ['dmesg'], expect: 'Memory Encryption Features active:.*(SEV$|SEV )' }]);
  expect(probes('se')).toEqual([{ name: 'se', command: ['cat', '/sys/firmware/uv/prot_virt_guest'], expect: '^1$' }]);
  expect(probes('control')).toEqual([...probes('tdx'), ...probes('snp'), ...probes('sev'), ...probes('se')]);
  // No probe needs a tool busybox lacks (upstream's TDX check runs cpuid).
  const busyboxApplets = ['sed', 'dmesg', 'cat', 'grep'];
  for (const probe of probes('control')) expect(busyboxApplets, probe.name).toContain(probe.command[0]);
  expect(probes('coco-dev')).toEqual([]);
  expect(probes('enclave-cc-hw')).toEqual([]);
});

test('TEE evidence patterns: upstream\'s SEV pattern (SEV at the end or "SEV "), not SEV-ES alone', () => {
  const sev = new RegExp(profile.platforms.sev!.teeEvidence![0]!.expect, 'm');
  expect(sev.test('[    0.1] Memory Encryption Features active: AMD SEV')).toBe(true);
  expect(sev.test('[    0.1] Memory Encryption Features active: AMD SEV SEV-ES')).toBe(true);
  expect(sev.test('[    0.1] Memory Encryption Features active: AMD SEV-ES')).toBe(false);
  expect(sev.test('[    0.1] Memory Encryption Features active: AMD SME\n[    0.2] SEV guest')).toBe(false);
  const tdx = new RegExp(profile.platforms.tdx!.teeEvidence![0]!.expect, 'm');
  expect(tdx.test('flags\t\t: fpu vme de pse tdx_guest x2apic')).toBe(true);
  expect(tdx.test('flags\t\t: fpu vme de pse tdx_guestx x2apic')).toBe(false);
});

test('claims: every feature × platform, as the notes say', () => {
  for (const feature of FEATURES) expect(Object.keys(profile.claims[feature]).sort()).toEqual([...PLATFORMS].sort());
  const supportedOn = (feature: (typeof FEATURES)[number]) =>
    Object.entries(profile.claims[feature]).filter(([, c]) => c?.status === 'supported').map(([p]) => p).sort();
  for (const feature of ['attestation', 'encrypted-images', 'authenticated-registries', 'sealed-secrets'] as const) {
    expect(supportedOn(feature)).toEqual(['se', 'snp', 'tdx']);
    expect(profile.claims[feature].sev).toEqual({ status: 'limitation', note: 'SEV(-ES) does not support attestation.' });
  }
  expect(supportedOn('signed-images')).toEqual([]);
  expect(profile.claims['signed-images'].tdx).toEqual({ status: 'limitation', note: 'Signed images are not yet supported.' });
  expect(profile.claims['guest-pull']['enclave-cc-hw']?.status).toBe('limitation');
  for (const feature of FEATURES) expect(profile.claims[feature].control?.status).toBe('unsupported');
});

test('limitations, tested stacks, timeouts and test images', () => {
  expect(profile.limitations.find((l) => l.id === 'registry-credentials-exposed-to-host')).toEqual({
    id: 'registry-credentials-exposed-to-host',
    text: 'Credentials for authenticated registries are exposed to the host.',
    features: ['authenticated-registries'],
    nonDiscriminating: ['authenticated-registry/right-credentials-run'],
  });
  expect(profile.limitations.map((l) => l.id)).toEqual(expect.arrayContaining(['signed-images-not-supported', 'sev-no-attestation', 'nydus-not-supported-with-enclave-cc']));
  expect(profile.testedStacks.map((s) => [s.platform, s.kubernetes, s.distro])).toEqual([
    ['snp', 'v1.24.0', 'Kubeadm'], ['tdx', 'v1.30.2', 'Kubeadm'], ['se', 'v1.28.4', 'k3s'],
  ]);
  expect(profile.testedStacks.find((s) => s.platform === 'snp')?.processor).toBe('AMD EPYC 7413');
  expect(profile.timeouts.podReadySeconds).toBe(120);
  expect(profile.testImages.encryptionKeyBase64).toBe('HUlOu8NWz8si11OZUzUJMnjiq/iZyHBJZMSD3BaqgMc=');
});
