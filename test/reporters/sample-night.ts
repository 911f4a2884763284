import type { ResultRecord } from '../../reporters/result-record.ts';
import { profile, record } from './sample-records.ts';

/** A night of results that puts every grid state on the page at least once; used by the golden files and the
 *  real-Chromium test. Comments say which state each record is there for. */
export const SAMPLE_PROFILE = profile(
  {
    attestation: { tdx: 'supported', snp: 'supported', sev: { status: 'limitation', note: 'SEV(-ES) does not support attestation.' }, 'coco-dev': 'not-applicable', control: 'unsupported' },
    'encrypted-images': { tdx: 'supported', snp: 'supported', sev: { status: 'limitation', note: 'SEV(-ES) does not support attestation.' }, control: 'unsupported' },
    'authenticated-registries': { tdx: 'supported', snp: 'supported', control: 'unsupported' },
    'sealed-secrets': { tdx: 'supported', control: 'unsupported' },
    'guest-pull': { tdx: 'supported', control: 'unsupported' },
    'tee-evidence': { tdx: 'supported', control: 'not-applicable' },
    'signed-images': { tdx: { status: 'limitation', note: 'Signed images are not yet supported.' } },
  },
  ['coco-dev'],
);

const TDX_ENV = { cpuModel: 'Intel(R) Xeon(R) Platinum 8580', kernel: '6.8.0-1004-intel', os: 'Ubuntu 24.04 LTS', kubernetesServer: 'v1.30.2', kubernetesDistro: 'Kubeadm', kustomize: 'v5.0.4' };
const CONTROL_ENV = { cpuModel: 'AMD EPYC 7763', kernel: '6.1.0-18-amd64', os: 'Debian GNU/Linux 12 (bookworm)', kubernetesServer: 'v1.30.14', kubernetesDistro: 'Kubeadm', kustomize: 'v5.4.2', hostname: 'ci-box' };

export const SAMPLE_RECORDS: ResultRecord[] = [
  // TDX, first run of the night: attestation passes (PASS), right-key fails (becomes FLAKY with the rerun below),
  // a negative registry test fails (FAIL); the cell has no sealed-secrets suite (NOT-RUN).
  record({ platform: 'tdx', runner: 'tdx-01', startedAt: '2024-07-20T01:00:00.000Z', environment: TDX_ENV, tests: [
    ['attestation/resource-released-allow-all', 'passed', { artifacts: ['artifacts/tdx/attestation/kbs.log'] }],
    ['attestation/resource-withheld-deny-all', 'passed'],
    ['encrypted-image/right-key-runs', 'failed'],
    ['encrypted-image/no-key-fails', 'passed'],
    ['encrypted-image/wrong-key-fails', 'passed'],
    ['authenticated-registry/right-credentials-run', 'passed'],
    ['authenticated-registry/wrong-credentials-fail', 'failed'],
    ['authenticated-registry/no-credentials-fail', 'passed'],
    ['guest-pull/not-unpacked-on-host', 'flaky'],
    ['guest-pull/init-container-shared-volume', 'passed'],
    ['tee-evidence/guest-is-tee', 'passed'],
    ['signed-images/unsigned-image-rejected', 'expected-failure'],
    ['signed-images/signed-image-runs', 'expected-failure'],
  ] }),
  // TDX rerun of the encrypted-images suite only: right-key now passes.
  record({ platform: 'tdx', runner: 'tdx-01', runId: 'run-tdx-01-rerun', startedAt: '2024-07-20T05:00:00.000Z', environment: TDX_ENV, tests: [
    ['encrypted-image/right-key-runs', 'passed'],
  ] }),
  // SEV: attestation limitation holds (KNOWN-LIMITATION); the encrypted image ran although it should not (LIMITATION-PASSED).
  // Like the nightly matrix's SEV runner, the cell is not required for sign-off: reported, noted, never judged.
  record({ platform: 'sev', runner: 'sev-01', required: false, environment: { cpuModel: 'AMD EPYC 7413', kernel: '6.8.0-snp', os: 'Ubuntu 22.04.4 LTS', kubernetesServer: 'v1.24.0', kubernetesDistro: 'Kubeadm' }, tests: [
    ['attestation/resource-released-allow-all', 'expected-failure'],
    ['attestation/resource-withheld-deny-all', 'passed'],
    ['encrypted-image/right-key-runs', 'unexpected-pass', { error: 'expected to fail (SEV(-ES) does not support attestation.) but passed' }],
    ['encrypted-image/no-key-fails', 'passed'],
    // Expected to fail at the log assertion; failed earlier, at creating the pod: a broken plan, not the limitation.
    ['sealed-secret/unsealed-with-resource', 'failed-wrong-reason', {
      error: 'failed for the wrong reason: expected to fail at "assert: the guest unsealed the secret" with /PROTECTED_SECRET = /i, but failed at "act: the pod starts": Error: failed to create Pod cc-1/secret-test-pod-cc: unknown field "spec.containers[0].envv"',
      failureSignature: { step: 'assert: the guest unsealed the secret', pattern: 'PROTECTED_SECRET = ', failedStep: 'act: the pod starts', matched: false,
        error: 'Error: failed to create Pod cc-1/secret-test-pod-cc: unknown field "spec.containers[0].envv"' },
    }],
  ] }),
  // SNP: install failed (INFRA-FAIL on every SNP cell it covers).
  record({ platform: 'snp', runner: 'snp-01', status: 'infra-error', tests: [
    ['attestation/resource-released-allow-all', 'infra-error'],
    ['attestation/resource-withheld-deny-all', 'infra-error'],
    ['encrypted-image/right-key-runs', 'infra-error'],
    ['authenticated-registry/right-credentials-run', 'infra-error'],
  ] }),
  // Control (runc): claims nothing; positives fail as expected, negatives hold, and one test is not discriminating.
  record({ platform: 'control', runner: 'ci-local', environment: CONTROL_ENV, doubles: ['kbs: trustee admin API double (EdDSA JWT verified as trustee does)'], tests: [
    ['attestation/resource-released-allow-all', 'expected-failure'],
    ['attestation/resource-withheld-deny-all', 'passed'],
    ['encrypted-image/right-key-runs', 'expected-failure'],
    ['encrypted-image/wrong-key-fails', 'passed'],
    ['guest-pull/init-container-shared-volume', 'passed', {
      expected: { expect: 'pass', claim: 'unsupported', nonDiscriminating: 'an init container with a shared emptyDir runs on any runtime' },
      nonDiscriminating: 'an init container with a shared emptyDir runs on any runtime',
    }],
    ['guest-pull/not-unpacked-on-host', 'expected-failure'],
    ['tee-evidence/guest-is-tee', 'skipped', { skipReason: 'the control platform has no TEE' }],
  ] }),
];

/** Three earlier nights of TDX: the registry negative test held on the 17th and has failed every night since (with
 *  the 20th, a streak of three: an alert); right-key failed on the 19th. Only tests the 20th also ran, so the grid
 *  as it stands is the 20th's. */
export const SAMPLE_EARLIER_NIGHTS: ResultRecord[] = [
  record({ platform: 'tdx', runner: 'tdx-01', startedAt: '2024-07-17T01:00:00.000Z', environment: TDX_ENV, tests: [
    ['attestation/resource-released-allow-all', 'passed'],
    ['encrypted-image/right-key-runs', 'passed'],
    ['authenticated-registry/wrong-credentials-fail', 'passed'],
  ] }),
  record({ platform: 'tdx', runner: 'tdx-01', startedAt: '2024-07-18T01:00:00.000Z', environment: TDX_ENV, tests: [
    ['attestation/resource-released-allow-all', 'passed'],
    ['encrypted-image/right-key-runs', 'passed'],
    ['authenticated-registry/wrong-credentials-fail', 'failed'],
  ] }),
  record({ platform: 'tdx', runner: 'tdx-01', startedAt: '2024-07-19T01:00:00.000Z', environment: TDX_ENV, tests: [
    ['attestation/resource-released-allow-all', 'passed'],
    ['encrypted-image/right-key-runs', 'failed'],
    ['authenticated-registry/wrong-credentials-fail', 'failed'],
  ] }),
];

/** The previous night: the registry negative test still held, right-key was broken, SEV never ran encrypted images. */
export const SAMPLE_BASELINE: ResultRecord[] = [
  record({ platform: 'tdx', runner: 'tdx-01', startedAt: '2024-07-19T01:00:00.000Z', environment: TDX_ENV, tests: [
    ['attestation/resource-released-allow-all', 'passed'],
    ['encrypted-image/right-key-runs', 'failed'],
    ['authenticated-registry/wrong-credentials-fail', 'passed'],
    ['sealed-secret/unsealed-with-resource', 'passed'],
  ] }),
];

/** Every night of the sample, oldest first: what the golden files and the Chromium test report on. */
export const SAMPLE_NIGHTS: ResultRecord[] = [...SAMPLE_EARLIER_NIGHTS, ...SAMPLE_RECORDS];
