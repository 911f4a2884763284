import { expect, test } from '@playwright/test';
import { encodedReleases, expectedOutcome, loadRelease, runtimeClassPull, TEST_CATALOG, type Cell, type HelmInstall, type PlatformId, type PullMode, type ReleaseProfile } from '../../matrix/index.ts';
import { kataDeployShape } from '../../lib/install-doubles/index.ts';
import { planCells } from '../../matrix/plan-cells.ts';
import { planDryRun, type DryRunPlatform } from '../../lib/dry-run/index.ts';

const V090 = loadRelease('v0.9.0');
const HANDLER_ANNOTATION = V090.guestComponents.annotations.runtimeHandler;

function snpCell(pullMode: PullMode): Cell {
  return { id: `v0.9.0/snp/k3s-1.28/containerd/${pullMode}`, runner: 'snp-01', release: 'v0.9.0', platform: 'snp', arch: 'x86_64',
    cluster: { distro: 'k3s', kubernetes: '1.28' }, containerRuntime: 'containerd', pullMode, suites: ['guest-pull'], required: true };
}

async function dryRun(pullMode: PullMode): Promise<Extract<DryRunPlatform, { kind: 'planned' }>> {
  const planned = await planDryRun({ profile: V090, platform: 'snp', cell: snpCell(pullMode) });
  if (planned.kind !== 'planned') throw new Error(`expected snp to be planned, got ${planned.kind}`);
  return planned;
}

function kataPodAnnotations(planned: Extract<DryRunPlatform, { kind: 'planned' }>): Record<string, string> {
  const test = planned.tests.find((t) => t.id === 'guest-pull/not-unpacked-on-host');
  if (!test || !('plan' in test)) throw new Error('guest-pull/not-unpacked-on-host was not planned');
  const pod = test.plan.manifests.find((m) => m.metadata.name === test.plan.pod) as { metadata: { annotations?: Record<string, string> } };
  return pod.metadata.annotations ?? {};
}

test('nydus pods carry the runtime-handler annotation; forced and host pods do not', async () => {
  expect(kataPodAnnotations(await dryRun('nydus'))[HANDLER_ANNOTATION]).toBe(V090.platforms.snp!.handler);
  for (const mode of ['forced', 'host'] as const) {
    expect(Object.keys(kataPodAnnotations(await dryRun(mode))), mode).not.toContain(HANDLER_ANNOTATION);
  }
});

test('a forced cell states the kata runtime setting it needs; nydus needs none', async () => {
  const forced = await dryRun('forced');
  expect(forced.runtimeSetup).toMatch(/experimental_force_guest_pull = true in the \[runtime\] section .* runtime class kata-qemu-snp/);
  // v0.9.0 ships kata 3.7.0, which predates the setting: the dry run must say so rather than pretend.
  expect(forced.runtimeSetup).toContain('kata 3.7.0 has no such setting');
  expect((await dryRun('nydus')).runtimeSetup).toBeUndefined();
  const plan = forced.tests.find((t) => t.id === 'guest-pull/not-unpacked-on-host');
  expect(plan && 'plan' in plan ? plan.plan.notes : []).toContain(forced.runtimeSetup);
});

test('on snp, guest pull is expected to pass with nydus and not with host or (kata 3.7.0) forced pull', async () => {
  const expectations = async (mode: PullMode) => Object.fromEntries((await dryRun(mode)).tests.map((t) => [t.id, t.expected]));
  const nydus = await expectations('nydus');
  // v0.9.0's guest-pull bats ran on qemu-coco-dev only: the claim stands, marked as not tested upstream.
  expect(nydus['guest-pull/not-unpacked-on-host']).toEqual({ expect: 'pass', claim: 'supported',
    notTestedUpstream: expect.stringContaining('k8s-guest-pull-image.bats:12-18') });
  for (const mode of ['host', 'forced'] as const) {
    const other = await expectations(mode);
    expect(other['guest-pull/not-unpacked-on-host'], mode).toMatchObject({
      expect: 'fail', claim: 'unsupported', reason: expect.stringContaining(`pull mode ${mode}`),
      signature: { step: 'assert: a kata sandbox with at most the pause rootfs' },
    });
    // No guest-pull test counts as a discriminating pass: the init-container test passes on any runtime and says so.
    for (const [id, outcome] of Object.entries(other)) {
      if (outcome.expect === 'pass') expect(outcome.nonDiscriminating, `${mode}: ${id}`).toBeTruthy();
    }
  }
  expect((await expectations('host'))['guest-pull/not-unpacked-on-host']).toMatchObject({ reason: expect.stringContaining('Host pulling with Nydus snapshotter is not yet enabled') });
});

test('plan counts follow the pull mode; the control cell (host) keeps its expectations', async () => {
  const { cells } = planCells('matrix/local.yaml');
  expect(cells.map((c) => c.cell.pullMode)).toEqual(['host']);
  const control = cells[0]!;
  // On control the release claims nothing, so host pull changes no expectation there.
  const { expectedOutcome } = await import('../../matrix/index.ts');
  const profile = loadRelease(control.cell.release);
  for (const test of control.tests) {
    expect(test.outcome, test.id).toEqual(expectedOutcome(profile, 'control', TEST_CATALOG.find((t) => t.id === test.id)!, 'nydus'));
  }
  const counts = async (mode: PullMode) => {
    const planned = await dryRun(mode);
    return planned.tests.reduce((acc, t) => ({ ...acc, [t.expected.expect]: (acc[t.expected.expect] ?? 0) + 1 }), {} as Record<string, number>);
  };
  expect(await counts('nydus')).toEqual({ pass: 2 });
  expect(await counts('host')).toEqual({ pass: 1, fail: 1 });
});

test("nydus keeps a guest-pull claim only where the release's install gives the runtime class the nydus snapshotter", () => {
  // operator v0.14.0 config/samples/ccruntime/default/kustomization.yaml:17-37: kata-qemu-tdx nydus / guest-pull.
  const v014 = loadRelease('v0.14.0');
  const guestPull = TEST_CATALOG.find((t) => t.id === 'guest-pull/not-unpacked-on-host')!;
  expect(expectedOutcome(v014, 'tdx', guestPull, 'nydus')).toMatchObject({ expect: 'pass' });
  const withoutNydus = structuredClone(v014);
  if (withoutNydus.install.method !== 'operator') throw new Error('v0.14.0 installs with the operator');
  withoutNydus.install.overlays.default!.runtimeClassConfig!['kata-qemu-tdx'] = { snapshotter: '', pullType: '' };
  expect(expectedOutcome(withoutNydus, 'tdx', guestPull, 'nydus')).toMatchObject({
    expect: 'fail', reason: expect.stringContaining('configures snapshotter "" for kata-qemu-tdx, not nydus') });
});

/** A Helm release's cell on `platform` with pull mode nydus, planned as the dry run plans it. */
async function helmDryRun(profile: ReleaseProfile, platform: PlatformId): Promise<Extract<DryRunPlatform, { kind: 'planned' }>> {
  const cell: Cell = { id: `${profile.release}/${platform}/kubeadm-1.34/containerd/nydus`, runner: `${platform}-01`, release: profile.release,
    platform, arch: 'x86_64', cluster: { distro: 'kubeadm', kubernetes: '1.34' }, containerRuntime: 'containerd', pullMode: 'nydus',
    suites: ['guest-pull'], required: true };
  const planned = await planDryRun({ profile, platform, cell });
  if (planned.kind !== 'planned') throw new Error(`expected ${platform} to be planned, got ${planned.kind}`);
  return planned;
}

function notUnpacked(planned: Extract<DryRunPlatform, { kind: 'planned' }>) {
  return planned.tests.find((t) => t.id === 'guest-pull/not-unpacked-on-host')!.expected;
}

// kata-deploy's chart at the kata tag the release pins gives each GPU shim no snapshotter and forced guest pull:
// tools/packaging/kata-deploy/helm-chart/kata-deploy/values.yaml at 3.25.0 :101-102 (qemu-nvidia-gpu-snp) and :115-116
// (qemu-nvidia-gpu-tdx); at 3.28.0 :156-157 and :179-180. The profiles state the same (install.values). From 3.29.0
// (v0.20.0) the GPU shims use nydus (:165-166, :187-188).
for (const release of ['v0.18.0', 'v0.19.0']) {
  test(`${release}: a GPU cell in pull mode nydus pulls in the guest by forced guest pull, not nydus, and keeps its guest-pull claim`, async () => {
    const profile = loadRelease(release);
    for (const platform of ['nvidia-gpu-tdx', 'nvidia-gpu-snp'] as const) {
      const shim = profile.platforms[platform]!.handler.replace(/^kata-/, '');
      expect(runtimeClassPull(profile, platform), platform).toEqual({ snapshotter: '', forcedGuestPull: true,
        from: `install values kata-as-coco-runtime.shims.${shim}.containerd: snapshotter "", forceGuestPull true` });
      const planned = await helmDryRun(profile, platform);
      expect(notUnpacked(planned), platform).toMatchObject({ expect: 'pass', claim: 'supported' });
      expect(planned.runtimeSetup, platform).toBe(`nydus pull mode, but the install gives runtime class kata-${shim} no nydus ` +
        `snapshotter and forces guest pull (install values kata-as-coco-runtime.shims.${shim}.containerd: snapshotter "", ` +
        `forceGuestPull true): kata's runtime pulls the image in the guest as under forced pull, whatever the runtime-handler annotation selects`);
      // The TEE shims of the same install keep nydus, and their plans say nothing more.
      expect(runtimeClassPull(profile, 'tdx')).toMatchObject({ snapshotter: 'nydus', forcedGuestPull: false });
      expect((await helmDryRun(profile, 'tdx')).runtimeSetup).toBeUndefined();
    }
    // Without the forcing the same class would pull on the host: the expectation follows the values, not the platform.
    const unforced = structuredClone(profile) as ReleaseProfile & { install: HelmInstall };
    const shims = (unforced.install.values!['kata-as-coco-runtime'] as { shims: Record<string, { containerd: Record<string, unknown> }> }).shims;
    shims['qemu-nvidia-gpu-tdx']!.containerd.forceGuestPull = false;
    expect(notUnpacked(await helmDryRun(unforced, 'nvidia-gpu-tdx'))).toMatchObject({ expect: 'fail', claim: 'unsupported',
      reason: `pull mode nydus: release ${release}'s install configures snapshotter "" for kata-qemu-nvidia-gpu-tdx, not nydus, and does not ` +
        `force guest pull (install values kata-as-coco-runtime.shims.qemu-nvidia-gpu-tdx.containerd: snapshotter "", forceGuestPull false), ` +
        'so the image is pulled on the host' });
  });
}

test('a Helm profile whose values give a shim no nydus snapshotter: nydus guest-pull claims there are not expected to pass, and the reason names the values key', async () => {
  const v021 = loadRelease('v0.21.0') as ReleaseProfile & { install: HelmInstall };
  expect(notUnpacked(await helmDryRun(v021, 'snp'))).toMatchObject({ expect: 'pass' });
  const overlayfs = structuredClone(v021);
  const shims = (overlayfs.install.values!['kata-as-coco-runtime'] as { shims: Record<string, { containerd: Record<string, unknown> }> }).shims;
  shims['qemu-snp']!.containerd.snapshotter = 'overlayfs';
  const voided = notUnpacked(await helmDryRun(overlayfs, 'snp'));
  expect(voided).toMatchObject({ expect: 'fail', claim: 'unsupported', signature: { step: 'assert: a kata sandbox with at most the pause rootfs' } });
  expect(voided.reason).toContain('kata-as-coco-runtime.shims.qemu-snp.containerd: snapshotter "overlayfs", forceGuestPull false');
  // Trusted image storage is the store of guest-pulled images: not applicable there, for the same reason.
  const storage = TEST_CATALOG.find((t) => t.id === 'trusted-image-storage/image-store-encrypted')!;
  expect(v021.claims['trusted-image-storage'].snp?.status).toBe('supported');
  expect(expectedOutcome(overlayfs, 'snp', storage, 'nydus')).toMatchObject({ expect: 'skip', claim: 'not-applicable',
    reason: expect.stringContaining('kata-as-coco-runtime.shims.qemu-snp.containerd') });
  // The per-arch values are read too: valuesByArch over values, as the installer merges them.
  const byArch = structuredClone(v021);
  byArch.install.valuesByArch = { x86_64: { 'kata-as-coco-runtime': { shims: { 'qemu-snp': { containerd: { snapshotter: '' } } } } } };
  expect(runtimeClassPull(byArch, 'snp', 'x86_64')).toMatchObject({ snapshotter: '', forcedGuestPull: false });
});

test("every Helm profile states each shipped class's containerd pull values as kata-deploy's chart defaults them at its kata tag", () => {
  // The profiles state the values rather than leave them to the chart (check-release-profile.ts); the chart double's
  // transcription of values.yaml at the tag (lib/install-doubles/chart/kata-deploy-shapes) must agree with them.
  for (const profile of encodedReleases().map((r) => loadRelease(r)).filter((p) => p.install.method === 'helm')) {
    const defaults = kataDeployShape(profile.components.kata.version).shape.values.shims as Record<string, { containerd?: Record<string, unknown> }>;
    for (const [platform, spec] of Object.entries(profile.platforms)) {
      const pull = runtimeClassPull(profile, platform as PlatformId);
      if (!spec?.shipped || !pull) continue;
      const shim = spec.handler.replace(/^kata-/, '');
      expect({ snapshotter: pull.snapshotter, forceGuestPull: pull.forcedGuestPull }, `${profile.release} ${shim}`)
        .toEqual({ snapshotter: defaults[shim]?.containerd?.snapshotter, forceGuestPull: defaults[shim]?.containerd?.forceGuestPull });
    }
  }
});

test("a forced cell on a Helm release names the chart's switch and what the install gives the class", async () => {
  const v018 = loadRelease('v0.18.0');
  const cell: Cell = { id: 'v0.18.0/tdx/kubeadm-1.34/containerd/forced', runner: 'tdx-01', release: 'v0.18.0', platform: 'tdx', arch: 'x86_64',
    cluster: { distro: 'kubeadm', kubernetes: '1.34' }, containerRuntime: 'containerd', pullMode: 'forced', suites: ['guest-pull'], required: true };
  const planned = await planDryRun({ profile: v018, platform: 'tdx', cell });
  if (planned.kind !== 'planned') throw new Error(`expected tdx to be planned, got ${planned.kind}`);
  expect(planned.runtimeSetup).toBe('forced guest pull: the install must set experimental_force_guest_pull = true in the [runtime] section ' +
    'of the kata configuration of runtime class kata-qemu-tdx (the chart\'s switch for it: install values ' +
    'kata-as-coco-runtime.shims.qemu-tdx.containerd: snapshotter "nydus", forceGuestPull false); pods carry no runtime-handler annotation');
});
