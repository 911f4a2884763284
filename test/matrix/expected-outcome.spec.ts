import { expect, test } from '@playwright/test';
import {
  encodedReleases,
  expectedOutcome,
  loadRelease,
  profileForCell,
  TEST_CATALOG,
  type CatalogTest,
  type ClaimStatus,
  type ExpectedOutcome,
  type PlatformId,
  type ReleaseProfile,
  type Variant,
} from '../../matrix/index.ts';
import { PULL_MODES } from '../../matrix/vocabulary.ts';
import { isRecordExpectation } from '../../reporters/validate-result-record.ts';

const V090 = loadRelease('v0.9.0');
const ISSUE = 'https://example.invalid/issues/1';

/** The real v0.9.0 profile with the attestation claim on snp replaced, and an optional extra limitation. */
function profileWith(status: ClaimStatus, extra: Partial<ReleaseProfile> = {}): ReleaseProfile {
  const profile = structuredClone(V090);
  profile.claims.attestation.snp = { status, note: `the notes say ${status}`, issue: ISSUE };
  return { ...profile, ...extra };
}

const SIGNATURE = { step: 'assert: the probe saw the resource', pattern: 'no resource', because: 'no guest' };
const ON_CONTROL = { step: 'act: the probe pod starts', pattern: 'runc', because: 'no guest at all' };
function probe(variant: Variant, more: Partial<CatalogTest> = {}): CatalogTest {
  return { id: 'attestation/probe', feature: 'attestation', variant, title: 'probe', failsAs: { ...SIGNATURE, onControl: ON_CONTROL }, ...more };
}

const NON_DISCRIMINATING = 'runs on any runtime';
const LIMITATION_TEXT = 'The probe cannot tell runc from a TEE.';
const listing = (platforms?: PlatformId[]) => ({
  limitations: [
    ...V090.limitations,
    { id: 'probe-limitation', text: LIMITATION_TEXT, features: ['attestation' as const], nonDiscriminating: ['attestation/probe'], platforms },
  ],
});

interface Row {
  name: string;
  claim: ClaimStatus;
  test: CatalogTest;
  extra?: Partial<ReleaseProfile>;
  expected: ExpectedOutcome;
}

const ROWS: Row[] = [
  { name: 'supported × positive', claim: 'supported', test: probe('positive'), expected: { expect: 'pass', claim: 'supported' } },
  { name: 'supported × negative', claim: 'supported', test: probe('negative'), expected: { expect: 'pass', claim: 'supported' } },
  { name: 'supported × non-discriminating is a plain pass', claim: 'supported', test: probe('positive', { nonDiscriminating: NON_DISCRIMINATING }),
    expected: { expect: 'pass', claim: 'supported' } },
  { name: 'limitation × positive fails with the note and issue', claim: 'limitation', test: probe('positive'),
    expected: { expect: 'fail', claim: 'limitation', reason: 'the notes say limitation', issue: ISSUE, signature: SIGNATURE } },
  { name: 'limitation × negative still passes', claim: 'limitation', test: probe('negative'),
    expected: { expect: 'pass', claim: 'limitation', reason: 'a negative test must pass even where the feature is not supported' } },
  { name: 'limitation × catalog non-discriminating passes, marked', claim: 'limitation', test: probe('positive', { nonDiscriminating: NON_DISCRIMINATING }),
    expected: { expect: 'pass', claim: 'limitation', nonDiscriminating: NON_DISCRIMINATING } },
  { name: 'unsupported × positive fails', claim: 'unsupported', test: probe('positive'),
    expected: { expect: 'fail', claim: 'unsupported', reason: 'the notes say unsupported', issue: ISSUE, signature: SIGNATURE } },
  { name: 'unsupported × negative passes', claim: 'unsupported', test: probe('negative'),
    expected: { expect: 'pass', claim: 'unsupported', reason: 'a negative test must pass even where the feature is not supported' } },
  { name: 'unsupported × profile non-discriminating passes, marked', claim: 'unsupported', test: probe('positive'), extra: listing(),
    expected: { expect: 'pass', claim: 'unsupported', nonDiscriminating: LIMITATION_TEXT } },
  { name: 'profile non-discriminating on another platform does not apply', claim: 'unsupported', test: probe('positive'), extra: listing(['tdx']),
    expected: { expect: 'fail', claim: 'unsupported', reason: 'the notes say unsupported', issue: ISSUE, signature: SIGNATURE } },
  { name: 'not-applicable × positive skips', claim: 'not-applicable', test: probe('positive'),
    expected: { expect: 'skip', claim: 'not-applicable', reason: 'the notes say not-applicable' } },
  { name: 'not-applicable × negative skips', claim: 'not-applicable', test: probe('negative'),
    expected: { expect: 'skip', claim: 'not-applicable', reason: 'the notes say not-applicable' } },
  { name: 'limitation-check passes where the limitation is listed', claim: 'supported',
    test: probe('limitation-check', { limitation: 'probe-limitation' }), extra: listing(),
    expected: { expect: 'pass', claim: 'supported', reason: LIMITATION_TEXT } },
  { name: 'limitation-check skips where the release does not list it', claim: 'supported',
    test: probe('limitation-check', { limitation: 'probe-limitation' }),
    expected: { expect: 'skip', claim: 'supported', reason: 'release v0.9.0 does not list the limitation "probe-limitation" on snp' } },
  { name: 'limitation-check skips where the limitation holds on other platforms only', claim: 'limitation',
    test: probe('limitation-check', { limitation: 'probe-limitation' }), extra: listing(['tdx']),
    expected: { expect: 'skip', claim: 'limitation', reason: 'release v0.9.0 does not list the limitation "probe-limitation" on snp' } },
];

for (const row of ROWS) {
  test(`outcome: ${row.name}`, () => {
    expect(expectedOutcome(profileWith(row.claim, row.extra), 'snp', row.test)).toEqual(row.expected);
  });
}

test('an expected failure carries its signature; control has its own where the catalog gives one', () => {
  const profile = profileWith('unsupported');
  profile.claims.attestation.control = { status: 'unsupported' };
  expect(expectedOutcome(profile, 'control', probe('positive'))).toMatchObject({ expect: 'fail', signature: ON_CONTROL });
  expect(expectedOutcome(profile, 'snp', probe('positive'))).toMatchObject({ expect: 'fail', signature: SIGNATURE });
  expect(() => expectedOutcome(profile, 'snp', probe('positive', { failsAs: undefined })))
    .toThrow('catalog test attestation/probe is expected to fail but names no failure signature (failsAs)');
});

test('a platform the release does not ship skips with its note, whatever the claim', () => {
  for (const test of TEST_CATALOG) {
    expect(expectedOutcome(V090, 'coco-dev', test)).toEqual({
      expect: 'skip',
      claim: 'not-applicable',
      reason: 'The v0.9.0 operator overlays do not create kata-qemu-coco-dev; it appears in v0.10.0.',
    });
  }
});

test('a platform the profile does not define skips', () => {
  const profile = structuredClone(V090);
  delete profile.platforms.sev;
  expect(expectedOutcome(profile, 'sev', probe('positive'))).toMatchObject({ expect: 'skip', reason: 'release v0.9.0 does not define platform sev' });
});

test('control: positives fail, negatives and non-discriminating tests pass, across the whole catalog', () => {
  const expected: Record<string, ExpectedOutcome['expect']> = {
    'attestation/resource-released-allow-all': 'fail',
    'attestation/resource-withheld-deny-all': 'pass',
    // v0.9.0's KBS has no resource DELETE; the control has no GPU.
    'attestation/deleted-resource-gone': 'skip',
    'attestation/gpu-attested': 'skip',
    'encrypted-image/no-key-fails': 'pass',
    'encrypted-image/right-key-runs': 'fail',
    'encrypted-image/wrong-key-fails': 'pass',
    'encrypted-image/wrong-length-key-fails': 'pass',
    'authenticated-registry/right-credentials-run': 'pass',
    'authenticated-registry/wrong-credentials-fail': 'pass',
    'authenticated-registry/no-credentials-fail': 'pass',
    'authenticated-registry/credentials-exposed-to-host': 'pass',
    'sealed-secret/unsealed-with-resource': 'fail',
    'sealed-secret/stays-sealed-without-resource': 'pass',
    'sealed-secret/unsealed-as-file': 'fail',
    'guest-pull/not-unpacked-on-host': 'fail',
    'guest-pull/init-container-shared-volume': 'pass',
    'tee-evidence/guest-is-tee': 'fail',
    'signed-images/unsigned-image-rejected': 'fail',
    'signed-images/signed-image-runs': 'pass',
    'signed-images/unsigned-accept-anything-runs': 'pass',
    'signed-images/wrong-key-rejected': 'fail',
    'signed-images/no-policy-runs': 'pass',
    // v0.9.0 has no init-data.
    'init-data/kbs-from-init-data': 'skip',
    'init-data/no-kbs-without-init-data': 'skip',
    // Nothing refuses an exec on runc; v0.9.0's CoCo CI generates no policy; runc has no guest kernel to measure.
    'agent-policy/exec-refused': 'fail',
    'agent-policy/generated-policy-runs': 'skip',
    'agent-policy/refused-container-image': 'skip',
    'agent-policy/refused-privileged': 'skip',
    'agent-policy/refused-termination-message-path': 'skip',
    'agent-policy/refused-host-path-mount': 'skip',
    'agent-policy/refused-config-map': 'skip',
    'agent-policy/refused-post-start-command': 'skip',
    'agent-policy/refused-uid-0': 'skip',
    'agent-policy/refused-uid-1234': 'skip',
    'trusted-storage/luks-emptydir': 'fail',
    'trusted-storage/host-sees-no-data': 'fail',
    'trusted-image-storage/image-store-encrypted': 'fail',
    'measured-rootfs/wrong-root-hash-refused': 'skip',
  };
  const actual = Object.fromEntries(TEST_CATALOG.map((t) => [t.id, expectedOutcome(V090, 'control', t).expect]));
  expect(actual).toEqual(expected);
  expect(expectedOutcome(V090, 'control', TEST_CATALOG.find((t) => t.id === 'authenticated-registry/right-credentials-run')!)).toEqual({
    expect: 'pass',
    claim: 'unsupported',
    nonDiscriminating: 'Credentials for authenticated registries are exposed to the host.',
  });
});

test('v0.9.0 spot checks: SEV attestation, enclave-cc nydus, signed images, TDX registries', () => {
  const byId = (id: string) => TEST_CATALOG.find((t) => t.id === id)!;
  expect(expectedOutcome(V090, 'sev', byId('attestation/resource-released-allow-all'))).toMatchObject({
    expect: 'fail', claim: 'limitation', reason: 'SEV(-ES) does not support attestation.' });
  expect(expectedOutcome(V090, 'enclave-cc-hw', byId('guest-pull/not-unpacked-on-host'))).toMatchObject({
    expect: 'fail', claim: 'limitation', reason: 'Nydus snapshotter is not supported with enclave-cc.' });
  expect(expectedOutcome(V090, 'tdx', byId('signed-images/unsigned-image-rejected'))).toMatchObject({
    expect: 'fail', claim: 'limitation', reason: 'Signed images are not yet supported.',
    signature: { step: 'act: the image policy rejects the unsigned image' } });
  // kata 3.7.0 k8s-guest-pull-image-authenticated.bats:14-17 skips qemu-tdx (issue 10011): supported, not tested upstream.
  expect(expectedOutcome(V090, 'tdx', byId('authenticated-registry/right-credentials-run'))).toEqual({ expect: 'pass', claim: 'supported',
    notTestedUpstream: expect.stringContaining('issue 10011') });
  expect(expectedOutcome(V090, 'se', byId('tee-evidence/guest-is-tee'))).toEqual({ expect: 'pass', claim: 'supported' });
  expect(expectedOutcome(V090, 'enclave-cc-sim', byId('tee-evidence/guest-is-tee'))).toMatchObject({ expect: 'skip', claim: 'not-applicable' });
});

test('requirements and covering limitations: skip where the release or platform lacks what a test needs', () => {
  const v021 = loadRelease('v0.21.0');
  const v014 = loadRelease('v0.14.0');
  const byId = (id: string) => TEST_CATALOG.find((t) => t.id === id)!;
  // resource DELETE arrives with v0.21.0's trustee; the GPU test runs only where the platform has a GPU.
  expect(expectedOutcome(V090, 'tdx', byId('attestation/deleted-resource-gone'))).toMatchObject({ expect: 'skip', reason: expect.stringContaining('no resource DELETE') });
  expect(expectedOutcome(v021, 'tdx', byId('attestation/deleted-resource-gone'))).toMatchObject({ expect: 'pass' });
  expect(expectedOutcome(v021, 'tdx', byId('attestation/gpu-attested'))).toMatchObject({ expect: 'skip', reason: expect.stringContaining('no confidential GPU') });
  expect(expectedOutcome(v021, 'nvidia-gpu-snp', byId('attestation/gpu-attested'))).toMatchObject({ expect: 'pass' });
  // init-data: from v0.14.0; its negative needs a kata guest, so the control skips it rather than fail on runc.
  expect(expectedOutcome(V090, 'tdx', byId('init-data/kbs-from-init-data'))).toMatchObject({ expect: 'skip' });
  expect(expectedOutcome(v014, 'tdx', byId('init-data/kbs-from-init-data'))).toMatchObject({ expect: 'pass' });
  expect(expectedOutcome(v014, 'control', byId('init-data/kbs-from-init-data'))).toMatchObject({ expect: 'fail' });
  expect(expectedOutcome(v014, 'control', byId('init-data/no-kbs-without-init-data'))).toMatchObject({ expect: 'skip', reason: expect.stringContaining('no kata guest') });
  // v0.9.0 claims sealed secrets but lists "only supports secrets in environment variables": the file variant fails.
  expect(expectedOutcome(V090, 'tdx', byId('sealed-secret/unsealed-as-file'))).toMatchObject({
    expect: 'fail', reason: 'Sealed secrets only supports secrets in environment variables.', signature: { step: 'assert: the guest unsealed the secret file' } });
  expect(expectedOutcome(V090, 'tdx', byId('sealed-secret/unsealed-with-resource'))).toMatchObject({ expect: 'pass' });
  expect(expectedOutcome(loadRelease('v0.11.0'), 'tdx', byId('sealed-secret/unsealed-as-file'))).toMatchObject({ expect: 'pass' });
});

// Each branch below was left unguarded by the tests above: a mutation of it (StrykerJS, npm run test:mutation
// matrix) went unnoticed. Outcomes are compared whole, so a changed reason, a dropped issue or a lost mark fails.
const byId = (id: string) => TEST_CATALOG.find((t) => t.id === id)!;

test('a pull mode that is not guest pull turns a supported guest-pull claim into unsupported, and only that', () => {
  const notUnpacked = byId('guest-pull/not-unpacked-on-host');
  // v0.9.0 claims guest pull on TDX (supported, with its note): with nydus it must pass, pulled on the host it must fail.
  expect(expectedOutcome(V090, 'tdx', notUnpacked, 'nydus')).toEqual({ expect: 'pass', claim: 'supported',
    notTestedUpstream: V090.claims['guest-pull']!.tdx!.notTestedUpstream });
  const host = expectedOutcome(V090, 'tdx', notUnpacked, 'host');
  expect(host).toMatchObject({ expect: 'fail', claim: 'unsupported', signature: { step: notUnpacked.failsAs!.step } });
  expect(host.reason).toMatch(/^pull mode host: the image is pulled and unpacked on the host, and release v0\.9\.0 claims guest pull only/);
  expect(host).not.toHaveProperty('issue');
  // The negative test still passes; other features keep their claim under host pull.
  expect(expectedOutcome(V090, 'tdx', byId('guest-pull/init-container-shared-volume'), 'host')).toMatchObject({ expect: 'pass', claim: 'unsupported' });
  expect(expectedOutcome(V090, 'tdx', byId('attestation/resource-released-allow-all'), 'host')).toEqual({ expect: 'pass', claim: 'supported' });
  // A limitation already expects what host pull gives: its own reason stays.
  expect(expectedOutcome(V090, 'enclave-cc-hw', notUnpacked, 'host')).toMatchObject({
    expect: 'fail', claim: 'limitation', reason: 'Nydus snapshotter is not supported with enclave-cc.' });
});

test('a covering limitation holds a positive test only, on its platforms, and carries its issue when it has one', () => {
  const asFile = byId('sealed-secret/unsealed-as-file');
  const envOnly = V090.limitations.find((l) => l.id === asFile.limitedBy)!;
  expect(expectedOutcome(V090, 'tdx', asFile)).toEqual({ expect: 'fail', claim: 'limitation', reason: envOnly.text,
    ...(envOnly.issue ? { issue: envOnly.issue } : {}), signature: { step: asFile.failsAs!.step, pattern: asFile.failsAs!.pattern, because: asFile.failsAs!.because } });
  const withIssue = structuredClone(V090);
  withIssue.limitations = withIssue.limitations.map((l) => (l.id === asFile.limitedBy ? { ...l, issue: ISSUE } : l));
  expect(expectedOutcome(withIssue, 'tdx', asFile)).toMatchObject({ expect: 'fail', issue: ISSUE });
  // The same limitation does not hold a negative test that names it, nor a platform it does not list.
  expect(expectedOutcome(V090, 'tdx', { ...asFile, variant: 'negative' })).toEqual({ expect: 'pass', claim: 'supported',
    notTestedUpstream: V090.claims['sealed-secrets']!.tdx!.notTestedUpstream });
  const elsewhere = structuredClone(V090);
  elsewhere.limitations = elsewhere.limitations.map((l) => (l.id === asFile.limitedBy ? { ...l, platforms: ['snp' as const] } : l));
  expect(expectedOutcome(elsewhere, 'tdx', asFile)).toEqual({ expect: 'pass', claim: 'supported',
    notTestedUpstream: V090.claims['sealed-secrets']!.tdx!.notTestedUpstream });
});

test('a claim not tested upstream is marked on a pass and on an expected failure, never elsewhere', () => {
  const upstream = 'https://example.invalid/issues/11945';
  const supported = profileWith('supported');
  supported.claims.attestation.snp = { status: 'supported', notTestedUpstream: upstream };
  expect(expectedOutcome(supported, 'snp', probe('positive'))).toEqual({ expect: 'pass', claim: 'supported', notTestedUpstream: upstream });
  const limited = profileWith('limitation');
  limited.claims.attestation.snp = { status: 'limitation', note: 'the notes say limitation', notTestedUpstream: upstream };
  expect(expectedOutcome(limited, 'snp', probe('positive'))).toEqual({ expect: 'fail', claim: 'limitation', reason: 'the notes say limitation',
    signature: SIGNATURE, notTestedUpstream: upstream });
  expect(expectedOutcome(limited, 'snp', probe('negative'))).toEqual({ expect: 'pass', claim: 'limitation',
    reason: 'a negative test must pass even where the feature is not supported' });
});

test('without notes, the reasons say what the profile lacks: no claim, no note, not shipped, not applicable', () => {
  const bare = structuredClone(V090);
  delete (bare.claims.attestation as Partial<typeof bare.claims.attestation>).snp;
  expect(expectedOutcome(bare, 'snp', probe('positive'))).toEqual({ expect: 'fail', claim: 'unsupported',
    reason: 'release v0.9.0 makes no claim for attestation on snp', signature: SIGNATURE });
  bare.claims.attestation.snp = { status: 'limitation' };
  expect(expectedOutcome(bare, 'snp', probe('positive'))).toEqual({ expect: 'fail', claim: 'limitation',
    reason: 'release v0.9.0 claims attestation is limitation on snp', signature: SIGNATURE });
  bare.claims.attestation.snp = { status: 'not-applicable' };
  expect(expectedOutcome(bare, 'snp', probe('positive'))).toEqual({ expect: 'skip', claim: 'not-applicable', reason: 'attestation does not apply to snp' });
  bare.platforms.snp = { ...bare.platforms.snp!, shipped: false, note: undefined };
  expect(expectedOutcome(bare, 'snp', probe('positive'))).toEqual({ expect: 'skip', claim: 'not-applicable',
    reason: `release v0.9.0 does not ship ${bare.platforms.snp.runtimeClass}` });
});

test('requirements name what is missing: a kata guest (and why the test needs one), one secure image\'s kernel parameters, a generated policy case', () => {
  const v021 = loadRelease('v0.21.0');
  expect(expectedOutcome(v021, 'control', byId('init-data/no-kbs-without-init-data'))).toEqual({ expect: 'skip', claim: 'unsupported',
    reason: 'platform control runs no kata guest (handler runc): only a guest reads init-data, so its absence cannot fail here' });
  expect(expectedOutcome(v021, 'control', { ...byId('init-data/no-kbs-without-init-data'), kataGuestBecause: undefined })).toMatchObject({
    reason: 'platform control runs no kata guest (handler runc)' });
  // kata 3.31.0 lib.sh:373-380 rebuilds the secure image per pod for KATA_HYPERVISOR == qemu-se*: the test runs on se.
  expect(expectedOutcome(v021, 'se', byId('signed-images/no-policy-runs'))).toMatchObject({ expect: 'pass' });
  // kata 3.19.1 lib.sh:305 compares == "qemu-se": its runtime-rs twin (qemu-se-runtime-rs) gets no rebuild upstream.
  const v015 = structuredClone(loadRelease('v0.15.0'));
  v015.platforms.se!.runtimeVariants!['runtime-rs']!.shipped = true;
  expect(expectedOutcome(profileForCell(v015, { platform: 'se', runtimeVariant: 'runtime-rs' }), 'se', byId('signed-images/no-policy-runs'))).toMatchObject({ expect: 'skip',
    reason: 'platform se boots the kernel parameters sealed into the node\'s secure image (platforms.se.secureImage), which no kernel_params annotation ' +
      'reaches, and kata 3.19.1\'s set_metadata_annotation rebuilds it only for KATA_HYPERVISOR qemu-se, not qemu-se-runtime-rs ' +
      '(platforms.se.secureImage.rebuild.kataHypervisors): a test that needs its own (an image policy with signature verification, or no KBS ' +
      'address but through init-data) cannot run here' });
  // kata 3.7.0 rebuilds per pod nowhere (lib.sh:178 has no qemu-se branch): a claim there could not be tested.
  const v090Claimed = structuredClone(V090);
  v090Claimed.claims['signed-images'].se = { status: 'supported' };
  expect(expectedOutcome(v090Claimed, 'se', byId('signed-images/no-policy-runs'))).toMatchObject({ expect: 'skip',
    reason: expect.stringContaining("and kata 3.7.0's tests rebuild no secure image per pod (kata 3.7.0 lib.sh:178 set_metadata_annotation rebuilds no secure image;") });
  expect(expectedOutcome(v021, 'tdx', byId('signed-images/no-policy-runs'))).toMatchObject({ expect: 'pass' });
  const fewerCases = structuredClone(v021);
  fewerCases.guestProtection.agentPolicy.genpolicy!.failureCases = fewerCases.guestProtection.agentPolicy.genpolicy!.failureCases.filter((c) => c !== 'privileged');
  expect(expectedOutcome(fewerCases, 'tdx', byId('agent-policy/refused-privileged'))).toMatchObject({ expect: 'skip',
    reason: 'release v0.21.0\'s k8s-policy-pod.bats has no "privileged" case (guestProtection.agentPolicy.genpolicy.failureCases)' });
  expect(expectedOutcome(v021, 'tdx', byId('agent-policy/refused-privileged')).expect).not.toBe('skip');
  expect(expectedOutcome(V090, 'tdx', byId('agent-policy/refused-privileged'))).toMatchObject({ expect: 'skip',
    reason: 'release v0.9.0\'s CoCo CI generates no agent policy (guestProtection.agentPolicy.genpolicy)' });
  expect(expectedOutcome(v021, 'tdx', byId('attestation/gpu-attested'))).toMatchObject({
    reason: 'platform tdx has no confidential GPU (platforms.tdx.gpu)' });
  expect(expectedOutcome(V090, 'tdx', byId('attestation/deleted-resource-gone'))).toMatchObject({
    reason: 'release v0.9.0\'s KBS has no resource DELETE (kbs.resourceDelete)' });
  // v0.9.0's init-data claim is not-applicable; a claim without the mechanism still skips, for the mechanism.
  const claimedWithout = structuredClone(V090);
  claimedWithout.claims['init-data'].tdx = { status: 'supported' };
  expect(expectedOutcome(claimedWithout, 'tdx', byId('init-data/kbs-from-init-data'))).toMatchObject({ expect: 'skip',
    reason: 'release v0.9.0 has no init-data (guestComponents.initData)' });
});

test('without a pull mode (a developer\'s run) pods pull as nydus: an install that gives the class another snapshotter voids guest pull', () => {
  const notUnpacked = byId('guest-pull/not-unpacked-on-host');
  const overlayfs = structuredClone(V090);
  const install = overlayfs.install;
  if (install.method !== 'operator') throw new Error('v0.9.0 installs with the operator');
  const overlay = install.overlays[overlayfs.platforms.tdx!.overlay!]!;
  overlay.snapshotter = 'overlayfs';
  delete overlay.runtimeClassConfig;
  const voided = expectedOutcome(overlayfs, 'tdx', notUnpacked);
  expect(voided).toEqual(expectedOutcome(overlayfs, 'tdx', notUnpacked, 'nydus'));
  expect(voided).toMatchObject({ expect: 'fail', claim: 'unsupported' });
  expect(voided.reason).toMatch(/^pull mode nydus: release v0\.9\.0's install configures snapshotter "overlayfs" for kata-qemu-tdx, not nydus/);
  expect(expectedOutcome(V090, 'tdx', notUnpacked)).toEqual({ expect: 'pass', claim: 'supported',
    notTestedUpstream: V090.claims['guest-pull']!.tdx!.notTestedUpstream });
});

test('every expectation the harness derives is one a result record may hold (the record schema refuses any other)', () => {
  let derived = 0;
  const kinds = new Set<string>();
  const refused: string[] = [];
  for (const release of encodedReleases()) {
    const profile = loadRelease(release);
    for (const platform of Object.keys(profile.platforms) as PlatformId[]) {
      for (const pullMode of PULL_MODES) {
        for (const test of TEST_CATALOG) {
          const outcome = expectedOutcome(profile, platform, test, pullMode);
          if (!isRecordExpectation(outcome)) refused.push(`${release} ${platform} ${pullMode} ${test.id}: ${JSON.stringify(outcome)}`);
          derived++;
          kinds.add(Object.keys(outcome).sort().join(','));
        }
      }
    }
  }
  expect(refused).toEqual([]);
  expect(derived).toBeGreaterThan(1_000);
  // The check met every optional field the harness writes.
  expect([...kinds].join(' ')).toMatch(/signature/);
  expect([...kinds].join(' ')).toMatch(/notTestedUpstream/);
  expect([...kinds].join(' ')).toMatch(/nonDiscriminating/);
});
