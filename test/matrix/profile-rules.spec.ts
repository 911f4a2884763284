import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RELEASES_DIR, encodedReleases, InputError, loadRelease, loadReleaseProfile } from '../../matrix/index.ts';
import { profileFailureTexts } from '../../matrix/check-release-profile.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

/** Cross-field rules need an otherwise valid profile, so each case edits a copy of the real v0.9.0.yaml and
 *  expects the exact message, its position computed from the edited text. */
const shipped = (release: string) => readFileSync(path.join(DEFAULT_RELEASES_DIR, `${release}.yaml`), 'utf8');
const ORIGINAL = shipped('v0.9.0');
const scratch = scratchDirectory('profile-rules');

function edited(replace: (text: string) => string, fileName = 'profile.yaml', original = ORIGINAL): { file: string; text: string } {
  const text = replace(original);
  expect(text, 'the edit must change the profile').not.toBe(original);
  const file = scratch(fileName);
  writeFileSync(file, text);
  return { file, text };
}

/** 1-based line:col of the first character of `needle` (after `skip` earlier occurrences). */
function positionOf(text: string, needle: string, skip = 0): string {
  let offset = -1;
  for (let i = 0; i <= skip; i++) offset = text.indexOf(needle, offset + 1);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
}

function messageOf(file: string): string {
  try {
    loadReleaseProfile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error(`expected ${file} to be rejected`);
}

test('the shipped v0.9.0 profile passes every rule', () => {
  expect(() => loadRelease('v0.9.0')).not.toThrow();
});

test('every platform needs a claim for every feature', () => {
  const { file, text } = edited((t) => t.replace(/\n    control: \*control\n(?=  # Guest protections)/, '\n'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, 'tdx: &no-init-data')}: claims.init-data: missing claim for platform "control"`);
});

test('a limitation claim must quote the release notes', () => {
  const { file, text } = edited((t) => t.replace('sev: { status: limitation, note: SEV(-ES) does not support attestation. }', 'sev: { status: limitation }'));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, '{ status: limitation }')}: claims.attestation.sev: a limitation claim needs a "note" quoting the release notes`,
  );
});

test('a platform names an overlay the install recipe has', () => {
  const { file, text } = edited((t) => t.replace('    overlay: s390x\n', '    overlay: s390\n'));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, 's390\n')}: platforms.se.overlay: unknown overlay "s390" (install.overlays has: default, s390x, peer-pods, enclave-cc-hw, enclave-cc-sim)`,
  );
});

test("a shipped platform's runtime class is one its overlay creates", () => {
  const { file, text } = edited((t) => t.replace('runtimeClass: kata-qemu-tdx', 'runtimeClass: kata-qemu-tdx2'));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, 'kata-qemu-tdx2')}: platforms.tdx.runtimeClass: overlay "default" does not create runtime class "kata-qemu-tdx2" (it creates: kata, kata-clh, kata-qemu, kata-qemu-tdx, kata-qemu-sev, kata-qemu-snp)`,
  );
});

test('a claim names a platform the profile defines', () => {
  const { file, text } = edited((t) => t.replace(/  enclave-cc-sim:\n    name: .*\n(    .*\n)+/, ''));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, 'enclave-cc-sim: *enclave-cc-untested')}: claims.attestation.enclave-cc-sim: unknown platform "enclave-cc-sim" (platforms defines: tdx, snp, sev, se, coco-dev, enclave-cc-hw, control)`,
  );
});

test('a limitation names only tests the catalog has', () => {
  const { file, text } = edited((t) => t.replace('nonDiscriminating: [authenticated-registry/right-credentials-run]', 'nonDiscriminating: [authenticated-registry/right-creds]'));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, 'authenticated-registry/right-creds')}: limitations[2].nonDiscriminating[0]: unknown test id "authenticated-registry/right-creds" (not in matrix/test-catalog.ts)`,
  );
});

test('limitation ids are unique', () => {
  const { file, text } = edited((t) => t.replace('- id: sev-no-attestation', '- id: signed-images-not-supported'));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, 'signed-images-not-supported', 1)}: limitations[1].id: duplicate limitation id "signed-images-not-supported" (also limitations[0])`,
  );
});

test('a TEE evidence probe must be a JavaScript regular expression', () => {
  const { file, text } = edited((t) => t.replace('expect: "^1$"', 'expect: "^(1$"'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, '"^(1$"')}: platforms.se.teeEvidence[0].expect: ` +
    'not a JavaScript regular expression: Invalid regular expression: /^(1$/m: Unterminated group');
});

test('probe names are unique per platform', () => {
  const { file, text } = edited((t) => t.replace('[*tdx-probe, *snp-probe, *sev-probe, *se-probe]', '[*tdx-probe, *snp-probe, *sev-probe, *se-probe, *tdx-probe]'));
  // An alias is reported where its anchor defines the value.
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, 'tdx\n        command')}: platforms.control.teeEvidence[4].name: duplicate probe name "tdx" (also teeEvidence[0])`);
});

test('a platform claimed to show TEE evidence carries its own probe', () => {
  const { file, text } = edited((t) => t.replace('        name: tdx\n', '        name: tdx-guest\n'));
  expect(messageOf(file)).toBe(
    `${file}:${positionOf(text, 'tdx:\n    name')}: platforms.tdx: tee-evidence is claimed supported on tdx, but teeEvidence has no probe named "tdx" (has: tdx-guest)`,
  );
});

test('the control carries every TEE probe, so that it is their negative control', () => {
  const { file, text } = edited((t) => t.replace('[*tdx-probe, *snp-probe, *sev-probe, *se-probe]', '[*tdx-probe, *snp-probe, *sev-probe]'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, '[*tdx-probe, *snp-probe, *sev-probe]')}: platforms.control.teeEvidence: ` +
    'the control must carry platform se\'s probe "se" unchanged (the negative control of every TEE probe)');
});

test('the signed-image policy parameter names the policy resource', () => {
  const { file, text } = edited((t) => t.replace('imagePolicy: agent.image_policy_file=${RESOURCE}', 'imagePolicy: agent.image_policy_file=kbs:///default/security-policy/test'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, 'agent.image_policy_file=kbs')}: guestComponents.signedImages.kernelParams.imagePolicy: ` +
    'the image policy parameter must contain ${RESOURCE} (the policy\'s kbs:/// URI), got "agent.image_policy_file=kbs:///default/security-policy/test"');
});

test('the release tag matches the file name', () => {
  const { file, text } = edited((t) => t.replace('Adding a release', 'adding a release'), 'v0.9.1.yaml');
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, 'v0.9.0\n')}: release: release "v0.9.0" does not match the file name v0.9.1.yaml`);
});

test('an unknown release names the file it looked for', () => {
  const dir = freshFolder(scratch, 'releases');
  expect(() => loadRelease('v0.8.0', dir)).toThrow(
    new InputError(path.join(dir, 'v0.8.0.yaml'), '', `no release profile for "v0.8.0" (looked for ${path.join(dir, 'v0.8.0.yaml')})`),
  );
});

test('a profile that expects a guest-log text while its install leaves hypervisor debug off is refused: no channel it opens can show it', () => {
  const { file, text } = edited((t) => t.replace('  hypervisorDebug: true\n', '  hypervisorDebug: false\n'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, 'guest-log, fragments: [failed to get decrypt key')}: guestComponents.failureTexts.encryptedImageNoKey.surfaces: ` +
    'a guest-log text surfaces only in the kata journal, which hypervisor debug alone opens, but install.hypervisorDebug is false ' +
    '(turn debug on as upstream CI does, or expect a text the agent returns: agent-error)');
  // Debug off and only texts the agent returns: accepted.
  const agentOnly = edited((t) => t.replace('  hypervisorDebug: true\n', '  hypervisorDebug: false\n').replaceAll('surfaces: guest-log', 'surfaces: agent-error'));
  expect(() => loadReleaseProfile(agentOnly.file)).not.toThrow();
});

test('GPU hypervisors without the gpu policy they get are refused: the GPU cell would fall back to trustee\'s policy where kata sets gpu0\'s', () => {
  const { file, text } = edited((t) => t.replace(/(\n {4}confidentialHardware:\n {6}kataHypervisors: \[[^\]]*\]\n)/,
    '$1    confidentialGpuHardware:\n      kataHypervisors: [qemu-nvidia-gpu-snp]\n'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, 'kataHypervisors: [qemu-nvidia-gpu-snp]')}: kbs.policies.confidentialGpuHardware: ` +
    'GPU hypervisors need the policy they get: kbs.policies.suiteResourcePolicy.gpu');
});

test('every shipped profile opens the channel of each failure text it expects, and says where each surfaces', () => {
  for (const release of encodedReleases()) {
    const profile = loadRelease(release);
    const texts = profileFailureTexts(profile);
    expect(texts.length, release).toBeGreaterThanOrEqual(7);
    for (const { text } of texts) {
      if (text.surfaces === 'guest-log') expect(profile.install.hypervisorDebug, `${release}: a guest-log text needs hypervisor debug`).toBe(true);
    }
  }
});

test('signed images or init-data claimed supported on IBM SE need the secure image rebuild upstream does: without it the profile is refused', () => {
  // v0.15.0 claims both on se (kata 3.19.1 rebuilds per pod: lib.sh:305-312 → lib_se.sh:89).
  const { file, text: withoutRebuild } = edited((t) => t.replace(/\n      rebuild:\n(        [^\n]*\n)+/, '\n      note: "no rebuild here"\n'),
    'v0.15.0.yaml', shipped('v0.15.0'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(withoutRebuild, 'note: "no rebuild here"')}: platforms.se.secureImage: ` +
    'signed-images and init-data are claimed supported on se, whose tests need each pod\'s own kernel parameters (signed-images/unsigned-image-rejected, ' +
    'signed-images/signed-image-runs, signed-images/unsigned-accept-anything-runs, signed-images/wrong-key-rejected, signed-images/no-policy-runs, ' +
    'init-data/kbs-from-init-data, init-data/no-kbs-without-init-data), but platform se boots the kernel parameters sealed into the node\'s secure image ' +
    '(platforms.se.secureImage), which no kernel_params annotation reaches, and kata 3.19.1\'s tests rebuild no secure image per pod (no rebuild here): ' +
    'give secureImage.rebuild as the release\'s kata tests rebuild the image, or claim what upstream tests');
  // v0.9.0's kata 3.7.0 rebuilds per pod nowhere: claiming signed images on se there is refused too.
  const { file: v090, text } = edited((t) => t.replace('    se: *not-signed\n', '    se: { status: supported }\n'));
  expect(messageOf(v090)).toMatch(new RegExp(`^${v090.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${positionOf(text, 'note: "kata 3.7.0 lib.sh:178')
    .replace(/:\d+$/, '')}:\\d+: platforms\\.se\\.secureImage: signed-images is claimed supported on se, .* kata 3\\.7\\.0's tests rebuild no secure image per pod`));
});

test('a secure image rebuild\'s host key document pattern the node shell would run as more than a file pattern is refused where it is written', () => {
  const { file, text } = edited((t) => t.replace('hostKeyDocuments: HKD-*.crt', 'hostKeyDocuments: "HKD-*.crt; reboot"'), 'v0.15.0.yaml', shipped('v0.15.0'));
  expect(messageOf(file)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${positionOf(text, '"HKD-*.crt; reboot"')}: ` +
    'platforms\\.se\\.secureImage\\.rebuild\\.hostKeyDocuments: .*a file-name pattern like "HKD-\\*\\.crt"'));
});

test("a Helm profile states each shipped class's containerd snapshotter and forceGuestPull; left to the chart's default, it is refused", () => {
  // kata-deploy's default decides otherwise (the GPU shims force guest pull at kata 3.25.0, values.yaml:101-102,
  // :115-116), and the expectations could not see it.
  const line = 'qemu-nvidia-gpu-tdx: { enabled: true, containerd: { snapshotter: "", forceGuestPull: true } }';
  const { file, text } = edited((t) => t.replace(line, 'qemu-nvidia-gpu-tdx: { enabled: true, containerd: { snapshotter: "" } }'), 'profile.yaml', shipped('v0.18.0'));
  expect(messageOf(file)).toBe(`${file}:${positionOf(text, '{ snapshotter: "" } }')}: ` +
    'install.values.kata-as-coco-runtime.shims.qemu-nvidia-gpu-tdx.containerd: x86_64: runtime class kata-qemu-nvidia-gpu-tdx of ' +
    "platform nvidia-gpu-tdx needs its shim's containerd forceGuestPull (true or false) stated: kata-deploy's default at kata 3.25.0 " +
    'would decide how it pulls, which the expectations cannot see (its values.yaml shims.qemu-nvidia-gpu-tdx.containerd)');
});
