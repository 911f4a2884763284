import { expect, test } from '@playwright/test';
import { expectedOutcome, loadRelease, TEST_CATALOG, type Cell, type PullMode } from '../../matrix/index.ts';
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
