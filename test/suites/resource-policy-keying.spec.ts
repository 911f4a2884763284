import { expect, test } from '@playwright/test';
import { encodedReleases, kataHypervisorOf, loadRelease, selectsHandler, type PlatformId, type ReleaseProfile } from '../../matrix/index.ts';
import { namespaceName, planFor, platformSpec, suiteResourcePolicy, type ManifestContext } from '../../lib/manifests/index.ts';

/** Which resource policy the suites set is keyed as kata's bats key it: `if ! is_confidential_hardware; then
 *  kbs_set_allow_all_resources; fi` (k8s-guest-pull-image-encrypted.bats:33 at 3.9.0 … 3.29.0, :34 at 3.31.0), where
 *  is_confidential_hardware is KATA_HYPERVISOR in the tag's list of TEE hypervisors. The expected values are those
 *  upstream facts, written here — not read from the profiles. */

function ctx(profile: ReleaseProfile, platform: PlatformId): ManifestContext {
  return {
    profile, platform, spec: platformSpec(profile, platform), kbsUrl: 'http://192.0.2.10:30080', unique: '1a2b3c4d',
    namespace: namespaceName('x/y', '1a2b3c4d'), images: { kind: 'upstream' },
  };
}

function keptTee(release: string, platform: PlatformId): boolean {
  const profile = loadRelease(release);
  const policy = suiteResourcePolicy(ctx(profile, platform));
  const { tee, nonTee } = profile.kbs.policies.suiteResourcePolicy;
  expect(tee, `${release}: the two templates differ`).not.toBe(nonTee);
  return policy === tee.replaceAll('${WITHHELD}', 'withheld');
}

test('the TEE policy goes where the tag lists the hypervisor as confidential hardware, not where the harness sees a TEE', () => {
  // kata 3.17.0 confidential_common.sh:13 still lists qemu-sev; 3.19.1 :13 no longer does.
  expect(keptTee('v0.14.0', 'sev')).toBe(true);
  expect(keptTee('v0.15.0', 'sev')).toBe(false);
  // enclave-cc is a TEE to the harness, but no kata shim: kata's bats never count it.
  expect(keptTee('v0.15.0', 'enclave-cc-hw')).toBe(false);
  // GPU hypervisors join SUPPORTED_TEE_HYPERVISORS at 3.25.0 (:13-14), but there the bats set the gpu0 policy
  // (is_confidential_gpu_hardware → kbs_set_gpu0_resource_policy), not trustee's: below.
  expect(keptTee('v0.18.0', 'nvidia-gpu-tdx')).toBe(false);
  expect(keptTee('v0.21.0', 'nvidia-gpu-snp')).toBe(false);
  for (const release of ['v0.9.0', 'v0.16.0', 'v0.21.0']) {
    expect(keptTee(release, 'tdx')).toBe(true);
    expect(keptTee(release, 'se')).toBe(true);
    expect(keptTee(release, 'coco-dev')).toBe(false);
    expect(keptTee(release, 'control')).toBe(false);
  }
  // On confidential GPU hardware (kata 3.25.0/3.28.0 confidential_common.sh:13 SUPPORTED_GPU_TEE_HYPERVISORS, 3.29.0/3.31.0
  // hypervisor_helpers.sh:11 GPU_TEE_HYPERVISORS) every test of the cell gets the gpu0 policy: kata's
  // k8s-confidential-attestation.bats "Get CDH resource" and k8s-nvidia-nim.bats set it there, and KBS holds one
  // policy, so the GPU attestation test and a parallel test must not write different ones.
  for (const release of ['v0.18.0', 'v0.19.0', 'v0.20.0', 'v0.21.0']) {
    const profile = loadRelease(release);
    const gpu = profile.kbs.policies.suiteResourcePolicy.gpu!.replaceAll('${WITHHELD}', 'withheld');
    for (const platform of ['nvidia-gpu-snp', 'nvidia-gpu-tdx'] as const) {
      const policies = new Set(['attestation/gpu-attested', 'attestation/resource-released-allow-all', 'encrypted-image/right-key-runs', 'sealed-secret/unsealed-with-resource']
        .map((id) => planFor(id, ctx(profile, platform)).kbs.find((s) => s.op === 'set-resource-policy')).map((s) => (s && 'rego' in s ? s.rego : '')));
      expect([...policies], `${release} ${platform}: one policy for the cell, the gpu0 one`).toEqual([gpu]);
    }
    for (const platform of ['snp', 'tdx'] as const) expect(suiteResourcePolicy(ctx(profile, platform)), `${release} ${platform}`).not.toBe(gpu);
  }
  const gpuStep = planFor('attestation/gpu-attested', ctx(loadRelease('v0.21.0'), 'nvidia-gpu-snp')).kbs.find((s) => s.op === 'set-resource-policy');
  expect(gpuStep && 'why' in gpuStep ? gpuStep.why : '').toContain('confidential GPU hardware (kata-qemu-nvidia-gpu-snp');
  // The step's reason names the handler and the choice.
  const profile = loadRelease('v0.15.0');
  const step = planFor('encrypted-image/right-key-runs', ctx(profile, 'sev')).kbs.find((s) => s.op === 'set-resource-policy');
  expect(step && 'why' in step ? step.why : '').toContain('not confidential hardware to kata\'s bats (kata-qemu-sev)');
  const tdxStep = planFor('encrypted-image/right-key-runs', ctx(profile, 'tdx')).kbs.find((s) => s.op === 'set-resource-policy');
  expect(tdxStep && 'why' in tdxStep ? tdxStep.why : '').toContain('confidential hardware (kata-qemu-tdx');
});

test('a selector matches KATA_HYPERVISOR exactly, or by prefix with a trailing *, and never a handler that is no kata shim', () => {
  const exact = { kataHypervisors: ['qemu-tdx', 'qemu-se'] };
  expect(selectsHandler(exact, 'kata-qemu-tdx')).toBe(true);
  expect(selectsHandler(exact, 'kata-qemu-nvidia-gpu-tdx')).toBe(false);
  expect(selectsHandler(exact, 'kata-qemu-se-runtime-rs')).toBe(false);
  expect(selectsHandler(exact, 'qemu-tdx')).toBe(false);
  expect(selectsHandler(exact, 'kata-qemu-td')).toBe(false);
  // kata's class is kata-${KATA_HYPERVISOR}; runc and enclave-cc name no KATA_HYPERVISOR at all.
  expect(kataHypervisorOf('kata-qemu-coco-dev')).toBe('qemu-coco-dev');
  expect(kataHypervisorOf('runc')).toBeUndefined();
  expect(kataHypervisorOf('enclave-cc')).toBeUndefined();
  const prefix = { kataHypervisors: ['qemu-se*'] };
  expect(selectsHandler(prefix, 'kata-qemu-se-runtime-rs')).toBe(true);
  expect(selectsHandler(prefix, 'kata-qemu-se')).toBe(true);
  expect(selectsHandler(prefix, 'kata-qemu-sev')).toBe(true); // as bash's `== qemu-se*` would
  expect(selectsHandler(prefix, 'kata-qemu-snp')).toBe(false);
  expect(selectsHandler(prefix, 'runc')).toBe(false);
});

test('every profile counts the three TEE platforms upstream tests (TDX, SNP, SE) as confidential hardware, and coco-dev and the control not', () => {
  for (const release of encodedReleases()) {
    const profile = loadRelease(release);
    const selector = profile.kbs.policies.confidentialHardware;
    for (const platform of ['tdx', 'snp', 'se'] as const) {
      expect(selectsHandler(selector, platformSpec(profile, platform).handler), `${release} ${platform}`).toBe(true);
    }
    for (const platform of ['coco-dev', 'control'] as const) {
      expect(selectsHandler(selector, platformSpec(profile, platform).handler), `${release} ${platform}`).toBe(false);
    }
  }
});
