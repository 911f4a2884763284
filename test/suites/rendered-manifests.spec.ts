import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { encodedReleases, loadRelease, TEST_CATALOG, type PlatformId, type TeeProbe } from '../../matrix/index.ts';
import {
  namespaceName, planFor, platformSpec, unplannedTestIds, signedImageFacts, type ManifestContext, type PodManifest, type SecretManifest, type TestPlan,
} from '../../lib/manifests/index.ts';
import { probeScript, teeEvidenceVerdict } from '../../lib/manifests/plans/tee-evidence.ts';
import { requireTool } from '../required-tool.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('rendered-manifests');

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
      // A pod with a WaitForFirstConsumer claim goes by the hostname label: spec.nodeName would bypass the scheduler.
      expect(pod.spec.nodeName ?? pod.spec.nodeSelector?.['kubernetes.io/hostname'], t.id).toBe('worker-1');
      expect(pod.spec.restartPolicy).toBe('Never');
    }
  }
  expect(podOf(planFor('tee-evidence/guest-is-tee', ctx('tdx'))).spec.nodeSelector).toEqual({ 'katacontainers.io/kata-runtime': 'true' });
});

test('IBM SE: no kernel_params annotation (baked into the image) and no agent policy', () => {
  // The agent-policy tests carry the policy under test on every platform (that is their point); the measured-rootfs
  // test is not applicable on SE (its claim), though its plan renders there.
  for (const t of TEST_CATALOG.filter((entry) => entry.feature !== 'agent-policy' && entry.feature !== 'measured-rootfs')) {
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
  // wrong-key stores a 32-byte key the image was not encrypted with; upstream's 8-byte anVua19rZXk= is wrong-length-key's.
  expect(planFor('encrypted-image/wrong-key-fails', ctx('tdx')).kbs[0]).toMatchObject({ path: 'default/key/ssh-demo', encoding: 'base64' });
  expect(planFor('encrypted-image/wrong-length-key-fails', ctx('tdx')).kbs[0]).toMatchObject({ value: 'anVua19rZXk=', encoding: 'base64' });
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

test('TEE evidence: one script runs every probe of the platform; the control runs all four', () => {
  const script = (platform: PlatformId) => podOf(planFor('tee-evidence/guest-is-tee', ctx(platform))).spec.containers[0]!.command!.join(' ');
  expect(script('tdx')).toContain(`probe 'tdx' 'sed' '-n' '/^flags/{p;q}' '/proc/cpuinfo'`);
  expect(script('tdx')).not.toContain('cpuid');
  expect(script('snp')).toContain(`probe 'snp' 'dmesg'`);
  expect(script('se')).toContain(`probe 'se' 'cat' '/sys/firmware/uv/prot_virt_guest'`);
  const control = script('control');
  for (const name of ['tdx', 'snp', 'sev', 'se']) expect(control).toContain(`probe '${name}' `);
  expect(planFor('tee-evidence/guest-is-tee', ctx('control')).expect).toEqual({
    mustMatch: 'any of probes tdx, snp, sev, se', failureText: 'Confidential compute is expected but not enabled.' });
  expect(planFor('tee-evidence/guest-is-tee', ctx('tdx')).expect.mustMatch).toBe('probe tdx');
});

/** A pod log as probeScript prints it. */
function probeLog(runs: Array<[name: string, lines: string[], exit: number]>): string {
  return runs.flatMap(([name, lines, exit]) => [...lines.map((l) => `probe ${name}: ${l}`), `probe ${name} exited ${exit}`]).join('\n');
}

test('TEE evidence verdict on control: every probe says what it expected and what it saw; restricted dmesg is "could not run"', () => {
  const log = probeLog([
    ['tdx', ['flags\t\t: fpu vme de pse hypervisor'], 0],
    ['snp', ['dmesg: klogctl: Operation not permitted'], 1],
    ['sev', ['dmesg: klogctl: Operation not permitted'], 1],
    ['se', ["cat: can't open '/sys/firmware/uv/prot_virt_guest': No such file or directory"], 1],
  ]);
  const verdict = teeEvidenceVerdict(ctx('control'), log);
  expect(verdict.ok).toBe(false);
  expect(verdict.message.split('\n')).toEqual([
    'Confidential compute is expected but not enabled. (on control at least one probe must match)',
    String.raw`probe tdx (sed -n /^flags/{p;q} /proc/cpuinfo): expected /^flags\s*:.*\btdx_guest\b/m, saw no match in 1 line, first: "flags\t\t: fpu vme de pse hypervisor"`,
    'probe snp (dmesg): expected /Memory Encryption Features active:.*SEV-SNP/m, could not run (exit 1): "dmesg: klogctl: Operation not permitted"',
    'probe sev (dmesg): expected /Memory Encryption Features active:.*(SEV$|SEV )/m, could not run (exit 1): "dmesg: klogctl: Operation not permitted"',
    `probe se (cat /sys/firmware/uv/prot_virt_guest): expected /^1$/m, could not run (exit 1): "cat: can't open '/sys/firmware/uv/prot_virt_guest': No such file or directory"`,
  ]);
});

test('TEE evidence verdict on a TEE platform: its own probe must match; another probe does not count', () => {
  const snpGuest = '[    0.000000] Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP';
  expect(teeEvidenceVerdict(ctx('snp'), probeLog([['snp', ['[    0.0] Linux version 6.7', snpGuest], 0]])).ok).toBe(true);
  expect(teeEvidenceVerdict(ctx('tdx'), probeLog([['tdx', ['flags\t\t: fpu tdx_guest'], 0]])).ok).toBe(true);
  // The control passes on any match (it would mean runc sees a TEE guest, which the negative control must not).
  expect(teeEvidenceVerdict(ctx('control'), probeLog([['sev', [snpGuest], 0]])).ok).toBe(true);
  const notReported = teeEvidenceVerdict(ctx('se'), 'probe se: 1\n');
  expect(notReported.ok).toBe(false);
  expect(notReported.report).toEqual(['probe se (cat /sys/firmware/uv/prot_virt_guest): expected /^1$/m, never reported (the pod\'s script did not run it to the end)']);
  const notFound = teeEvidenceVerdict(ctx('tdx'), probeLog([['tdx', ['sh: sed: not found'], 127]]));
  expect(notFound.report[0]).toContain('could not run (exit 127): "sh: sed: not found"');
});

/** Runs the probes' script as the pod would, under busybox sh with only busybox applets on PATH (the image's /bin). */
function runInBusybox(probes: readonly TeeProbe[]): string {
  const bin = scratch('busybox-bin');
  mkdirSync(bin);
  for (const applet of ['sh', 'sed', 'dmesg', 'cat', 'grep', 'printf', 'echo']) symlinkSync('/bin/busybox', path.join(bin, applet));
  const run = spawnSync(path.join(bin, 'sh'), ['-c', probeScript(probes)], { encoding: 'utf8', env: { PATH: bin } });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

test('TEE evidence probes run in busybox on this machine (a non-TEE host, as the control sees it)', () => {
  requireTool('/bin/busybox', 'apt-get install busybox-static');
  const control = ctx('control');
  const verdict = teeEvidenceVerdict(control, runInBusybox(control.spec.teeEvidence!));
  console.log(`TEE evidence probes on this machine:\n${verdict.message}`);
  test.info().annotations.push({ type: 'tee-evidence on this machine', description: verdict.report.join(' | ') });
  // Every probe ran to the end and reported its status; whether each found anything depends on the host.
  expect(verdict.report).toHaveLength(4);
  for (const line of verdict.report) expect(line).not.toContain('never reported');
  // Upstream's TDX command does not exist in busybox: it shows as "could not run", not as "no match".
  const cpuid = teeEvidenceVerdict({ ...ctx('tdx'), spec: { ...platformSpec(profile, 'tdx'), teeEvidence: [{ name: 'tdx', command: ['cpuid'], expect: 'TDX_GUEST' }] } },
    runInBusybox([{ name: 'tdx', command: ['cpuid'], expect: 'TDX_GUEST' }]));
  expect(cpuid.report[0]).toMatch(/could not run \(exit 127\): ".*cpuid: not found"/);
});

test('signed images: the profile\'s values (v0.10.0\'s, marked as such) render the pod, KBS resources and failure texts', () => {
  const unsigned = planFor('signed-images/unsigned-image-rejected', ctx('tdx'));
  expect(podOf(unsigned).metadata.annotations?.[KERNEL_PARAMS]).toBe(`agent.guest_components_rest_api=resource agent.aa_kbc_params=cc_kbc::${KBS} ` +
    'agent.image_policy_file=kbs:///default/security-policy/test-1a2b3c4d agent.enable_signature_verification=true');
  const policyStep = unsigned.kbs[0]!;
  expect(policyStep).toMatchObject({ op: 'set-resource', path: 'default/security-policy/test-1a2b3c4d' });
  expect(JSON.parse(policyStep.op === 'set-resource' ? policyStep.value : '{}')).toEqual({
    default: [{ type: 'insecureAcceptAnything' }],
    transports: { docker: { 'quay.io/prometheus/busybox': [{ type: 'sigstoreSigned', keyPath: 'kbs:///default/cosign-public-key/test-1a2b3c4d' }] } },
  });
  expect(unsigned.kbs[1]).toMatchObject({ op: 'set-resource', path: 'default/cosign-public-key/test-1a2b3c4d' });
  expect(profile.guestComponents.signedImages?.failureTexts.unsignedImage).toEqual({ surfaces: 'guest-log', fragments: ['Security validate failed: Validate image failed: Cannot pull manifest'] });
  expect(unsigned.notes.join(' ')).toContain("v0.10.0's");
  const signed = planFor('signed-images/signed-image-runs', ctx('tdx', { signedImage: { image: 'registry.example/signed:1', publicKeyPem: 'PEM' } }));
  expect(JSON.parse(signed.kbs[0]!.op === 'set-resource' ? signed.kbs[0]!.value : '{}').default).toEqual([{ type: 'reject' }]);
  expect(signed.expect).toEqual({ image: 'registry.example/signed:1' });
  // The facts are the profile's data, not constants of the plan.
  expect(signedImageFacts(profile)).toBe(profile.guestComponents.signedImages);
});

test('signed images on upstream images: the unsigned and no-policy cases take upstream\'s unsigned image, tagged per arch where the bats tag it', () => {
  // kata 3.9.0 k8s-guest-pull-image-signature.bats:27 UNSIGNED_PROTECTED_REGISTRY_IMAGE (used at :94 and :133), its
  // tag suffixed `-$(uname -m)` off x86_64 (:20-23); the policy protects its repository (:48). kata 3.29.0 :26 has no
  // suffix. The accept-anything case keeps UNSIGNED_UNPROTECTED_REGISTRY_IMAGE, quay.io/prometheus/busybox (:26).
  const at = (release: string, platform: PlatformId, images: ManifestContext['images'] = { kind: 'upstream' }) => {
    const p = loadRelease(release);
    return { ...ctx(platform), profile: p, spec: platformSpec(p, platform), images };
  };
  const upstreamUnsigned = 'ghcr.io/confidential-containers/test-container-image-rs:unsigned';
  for (const id of ['signed-images/unsigned-image-rejected', 'signed-images/no-policy-runs']) {
    expect(podOf(planFor(id, at('v0.10.0', 'tdx'))).spec.containers[0]!.image, id).toBe(upstreamUnsigned);
    expect(podOf(planFor(id, at('v0.10.0', 'se'))).spec.containers[0]!.image, id).toBe(`${upstreamUnsigned}-s390x`);
    expect(podOf(planFor(id, at('v0.20.0', 'se'))).spec.containers[0]!.image, id).toBe(upstreamUnsigned);
  }
  const rejected = planFor('signed-images/unsigned-image-rejected', at('v0.12.0', 'snp'));
  const policy = JSON.parse(rejected.kbs[0]!.op === 'set-resource' ? rejected.kbs[0]!.value : '{}');
  expect(Object.keys(policy.transports.docker)).toEqual(['ghcr.io/confidential-containers/test-container-image-rs']);
  // Upstream's command (create_coco_pod_yaml: sleep), so an image without a shell runs.
  expect(podOf(rejected).spec.containers[0]!.command).toEqual(['sleep', '3600']);
  expect(podOf(planFor('signed-images/unsigned-accept-anything-runs', at('v0.10.0', 'tdx'))).spec.containers[0]!.image).toBe('quay.io/prometheus/busybox:latest');
  const selfBuilt = { kind: 'self-built', registry: '127.0.0.1:5000', plain: '127.0.0.1:5000/plain:1', skopeo: 'skopeo', authRegistry: '127.0.0.1:5001',
    authenticated: '127.0.0.1:5001/auth:1', credentialsFile: '/dev/null' } as ManifestContext['images'];
  expect(podOf(planFor('signed-images/unsigned-image-rejected', at('v0.10.0', 'tdx', selfBuilt))).spec.containers[0]!.image).toBe('127.0.0.1:5000/plain:1');
});

test('signed images: a profile without verification facts renders a pod that asks for none', () => {
  const bare = { ...profile, guestComponents: { ...profile.guestComponents, signedImages: undefined } };
  const plan = planFor('signed-images/unsigned-image-rejected', ctx('tdx', { profile: bare }));
  expect(plan.kbs).toEqual([]);
  expect(podOf(plan).metadata.annotations?.[KERNEL_PARAMS]).toBeUndefined();
  expect(plan.expect).toEqual({ image: 'quay.io/prometheus/busybox:latest' });
  expect(plan.notes).toEqual(['release v0.9.0 describes no image signature verification (guestComponents.signedImages): the pod asks for none']);
});

// A value registered as secret is redacted everywhere and makes the secret scan fail wherever it shows. A value
// published upstream (kata's wrong key, its image key) shows in the suites' source and the profiles, which
// Playwright quotes in a failed test's error context: registered, it failed a CI secret scan on a killed run.
test('a KBS value is secret only when it is the run\'s own: no secret value is written in a profile or a suite', () => {
  const sources = ['matrix/releases', 'suites'].flatMap((dir) => readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8'))).join('\n');
  const selfBuilt: ManifestContext['images'] = {
    kind: 'self-built', registry: '127.0.0.1:5000', plain: '127.0.0.1:5000/plain:1', skopeo: 'skopeo', authRegistry: '127.0.0.1:5001',
    authenticated: '127.0.0.1:5001/auth:1', credentialsFile: '/dev/null',
  };
  let secrets = 0;
  let published = 0;
  for (const release of encodedReleases()) {
    const releaseProfile = loadRelease(release);
    for (const images of [{ kind: 'upstream' } as const, selfBuilt]) {
      for (const t of TEST_CATALOG) {
        for (const step of planFor(t.id, { ...ctx('tdx', { images }), profile: releaseProfile, spec: platformSpec(releaseProfile, 'tdx') }).kbs) {
          if (step.op !== 'set-resource') continue;
          if (step.secret) {
            secrets++;
            expect(sources.includes(step.value), `${release} ${t.id} ${step.path}: a secret value is written in the sources`).toBe(false);
          } else if (sources.includes(step.value)) published++;
        }
      }
    }
  }
  expect(secrets).toBeGreaterThan(0);
  // kata's wrong key (anVua19rZXk=) at least, in every release that tests it.
  expect(published).toBeGreaterThan(0);
});
