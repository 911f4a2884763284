import { expect, test } from '@playwright/test';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { runCommand } from '../../lib/exec/run-command.ts';
import { encodedReleases, loadRelease, profileForCell } from '../../matrix/index.ts';
import { confidentialPod, platformSpec } from '../../lib/manifests/index.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

/** The runtime-rs variants of the CoCo platforms as profile data (platforms.<p>.runtimeVariants): which releases'
 *  kata-deploy carries them, whether the install creates their class, and a runner that chooses one. */

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = scratchDirectory('variants');

async function cli(args: string[], env: Record<string, string> = {}) {
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), ...args],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}`, ...env } });
  return { ...result, output: result.stdout + result.stderr };
}

/** A copy of matrix/releases (nothing here touches the shipped profiles) and a runner matrix in it. */
function releasesWith(matrix: string[]): string {
  const dir = freshFolder(scratch);
  for (const name of readdirSync(join(ROOT, 'matrix/releases'))) copyFileSync(join(ROOT, 'matrix/releases', name), join(dir, name));
  writeFileSync(join(dir, 'matrix.yaml'), ['schemaVersion: 1', 'name: variants', 'runners:', ...matrix, ''].join('\n'));
  return dir;
}

const TDX_RUNNER = (releases: string, variants: string) => ['  - name: tdx-01', '    platform: tdx', '    arch: x86_64', '    runs:',
  `      - releases: [${releases}]`, '        cluster: { distro: existing }', '        containerRuntime: containerd', '        pullModes: [nydus]',
  `        runtimeVariants: [${variants}]`];

test('the variants each release defines: runtime-rs where kata-deploy at its kata tag carries the shim, none shipped by the CoCo install', () => {
  // Read from the YAML by the yaml library on its own, not through the harness's loader.
  const variants = Object.fromEntries(encodedReleases().map((release) => {
    const profile = YAML.parse(readFileSync(join(ROOT, 'matrix/releases', `${release}.yaml`), 'utf8'));
    return [release, Object.entries(profile.platforms as Record<string, { runtimeVariants?: Record<string, { runtimeClass: string; shipped: boolean }> }>)
      .flatMap(([platform, spec]) => Object.entries(spec.runtimeVariants ?? {}).map(([id, v]) => `${platform}+${id}:${v.runtimeClass}:${v.shipped}`))];
  }));
  const se = 'se+runtime-rs:kata-qemu-se-runtime-rs:false';
  const cocoDev = 'coco-dev+runtime-rs:kata-qemu-coco-dev-runtime-rs:false';
  const tdx = 'tdx+runtime-rs:kata-qemu-tdx-runtime-rs:false';
  const snp = 'snp+runtime-rs:kata-qemu-snp-runtime-rs:false';
  expect(variants).toEqual({
    // kata 3.7.0–3.13.0: no confidential runtime-rs shim.
    'v0.9.0': [], 'v0.10.0': [], 'v0.11.0': [], 'v0.12.0': [],
    // kata 3.15.0: qemu-se-runtime-rs; 3.23.0: qemu-coco-dev-runtime-rs; 3.28.0: TDX and SNP; 3.31.0: the GPU shims.
    'v0.13.0': [se], 'v0.14.0': [se], 'v0.15.0': [se], 'v0.16.0': [se],
    'v0.17.0': [se, cocoDev], 'v0.18.0': [se, cocoDev],
    'v0.19.0': [tdx, snp, se, cocoDev], 'v0.20.0': [tdx, snp, se, cocoDev],
    'v0.21.0': [tdx, snp, se, cocoDev, 'nvidia-gpu-snp+runtime-rs:kata-qemu-nvidia-gpu-snp-runtime-rs:false',
      'nvidia-gpu-tdx+runtime-rs:kata-qemu-nvidia-gpu-tdx-runtime-rs:false'],
  });
  // erofs is offered from kata 3.23.0 (v0.17.0) on; every release installs nydus only.
  const offered = encodedReleases().filter((r) => loadRelease(r).install.snapshotters.offered.includes('erofs'));
  expect(offered).toEqual(['v0.17.0', 'v0.18.0', 'v0.19.0', 'v0.20.0', 'v0.21.0']);
  expect(encodedReleases().every((r) => loadRelease(r).install.snapshotters.installed.join() === 'nydus')).toBe(true);
});

test('a runner that chooses runtime-rs gets cells of its own; where the release does not ship the class every test skips with why', async () => {
  const dir = releasesWith(TDX_RUNNER('v0.20.0, v0.21.0', 'default, runtime-rs'));
  const env = { COCO_RELEASES_DIR: dir };
  const plan = await cli(['plan', '--matrix', join(dir, 'matrix.yaml'), '--json'], env);
  expect(plan.exitCode, plan.output).toBe(0);
  const cells = (JSON.parse(plan.stdout) as { cells: { id: string; runtimeVariant?: string; tests: { expect: string; reason?: string }[] }[] }).cells;
  expect(cells.map((c) => c.id)).toEqual([
    'v0.20.0/tdx/existing/containerd/nydus', 'v0.20.0/tdx+runtime-rs/existing/containerd/nydus',
    'v0.21.0/tdx/existing/containerd/nydus', 'v0.21.0/tdx+runtime-rs/existing/containerd/nydus',
  ]);
  expect(cells.map((c) => c.runtimeVariant)).toEqual([undefined, 'runtime-rs', undefined, 'runtime-rs']);
  const variant = cells[3]!;
  expect(new Set(variant.tests.map((t) => t.expect))).toEqual(new Set(['skip']));
  expect(variant.tests[0]!.reason).toBe(loadRelease('v0.21.0').platforms.tdx!.runtimeVariants!['runtime-rs']!.note);
  // The platform's own runtime class is planned as before.
  expect(cells[2]!.tests.some((t) => t.expect === 'pass')).toBe(true);

  const table = await cli(['plan', '--matrix', join(dir, 'matrix.yaml'), '--cell', 'v0.21.0/tdx+runtime-rs/existing/containerd/nydus'], env);
  expect(table.exitCode, table.output).toBe(0);
  expect(table.stdout).toMatch(/v0\.21\.0\/tdx\+runtime-rs\/existing\/containerd\/nydus +tdx-01 +tdx\+runtime-rs /);

  const out = join(dir, 'out');
  const dry = await cli(['run', '--dry-run', '--matrix', join(dir, 'matrix.yaml'), '--cell', 'v0.21.0/tdx+runtime-rs/existing/containerd/nydus', '--out', out],
    { ...env, COCO_STATE_DIR: join(dir, 'state') });
  expect(dry.exitCode, dry.output).toBe(0);
  // Nothing to run, and the run says why: the release's own words on the variant.
  expect(dry.stdout).toMatch(/^skipped +v0\.21\.0\/tdx\+runtime-rs\/existing\/containerd\/nydus \(INFERRED not shipped: no kata-qemu-tdx-runtime-rs — /m);
});

test('a release that defines no such variant, or a variant id it does not know, is one line, exit 2', async () => {
  const dir = releasesWith(TDX_RUNNER('v0.18.0', 'runtime-rs'));
  const plan = await cli(['plan', '--matrix', join(dir, 'matrix.yaml')], { COCO_RELEASES_DIR: dir });
  expect(plan.exitCode).toBe(2);
  expect(plan.stderr.trim().split('\n')).toHaveLength(1);
  expect(plan.stderr).toMatch(/^error: \S+matrix\.yaml:\d+:\d+: runners\[0\]\.runs\[0\]\.runtimeVariants\[0\]: release v0\.18\.0 defines no runtime variant "runtime-rs" of platform tdx \(it defines: default\)\n$/);

  // import: a runtime-rs job of a platform whose profile has no such variant is refused, not folded into the platform.
  const profile = join(dir, 'v0.21.0.yaml');
  writeFileSync(profile, readFileSync(profile, 'utf8').replace(/(  tdx:\n(?:.*\n)*?    handler: kata-qemu-tdx\n)    runtimeVariants:\n(?:      .*\n|        .*\n)*/, '$1'));
  expect(loadRelease('v0.21.0', dir).platforms.tdx!.runtimeVariants).toBeUndefined();
  const tap = join(dir, 'report.tap');
  writeFileSync(tap, '1..1\nok 1 Get CDH resource\n');
  const imported = await cli(['import', tap, '--profile', profile, '--hypervisor', 'qemu-tdx-runtime-rs', '--out', join(dir, 'imported')]);
  expect(imported.exitCode).toBe(2);
  expect(imported.stderr).toBe('error: --hypervisor qemu-tdx-runtime-rs is not tdx\'s own shim (kata-qemu-tdx) nor one of its runtime variants in v0.21.0 (platforms.tdx.runtimeVariants: none)\n');
});

test('where the install creates the variant\'s class, its cells run it: the pods ask for kata-qemu-tdx-runtime-rs', async () => {
  const dir = releasesWith(TDX_RUNNER('v0.21.0', 'runtime-rs'));
  // v0.21.0 as a release team would make it ship the runtime-rs shim: the variant shipped, the chart values enabling
  // it, and its class among the classes the install must create (check-release-profile holds the three together).
  const file = join(dir, 'v0.21.0.yaml');
  const text = readFileSync(file, 'utf8');
  const shipped = text
    .replace(/(runtimeClass: kata-qemu-tdx-runtime-rs\n(?:.*\n){2}        shipped: )false/, '$1true')
    .replace(/(        qemu-tdx: \{ enabled: true, .*\n)/, '$1        qemu-tdx-runtime-rs: { enabled: true, containerd: { snapshotter: nydus, forceGuestPull: false } }\n')
    .replace('x86_64: [kata-qemu-coco-dev, kata-qemu-snp, kata-qemu-tdx,', 'x86_64: [kata-qemu-coco-dev, kata-qemu-snp, kata-qemu-tdx, kata-qemu-tdx-runtime-rs,');
  expect(shipped).not.toBe(text);
  writeFileSync(file, shipped);
  const env = { COCO_RELEASES_DIR: dir, COCO_STATE_DIR: join(dir, 'state') };
  const cell = 'v0.21.0/tdx+runtime-rs/existing/containerd/nydus';
  const out = join(dir, 'out');
  const dry = await cli(['run', '--dry-run', '--matrix', join(dir, 'matrix.yaml'), '--cell', cell, '--out', out], env);
  expect(dry.exitCode, dry.output).toBe(0);
  const manifests = readFileSync(join(out, 'dry-run', cell, 'suites', 'encrypted-images', 'right-key-runs', 'manifests.yaml'), 'utf8');
  const pods = YAML.parseAllDocuments(manifests).map((d) => d.toJS()).filter((d) => d?.kind === 'Pod');
  expect(pods.length).toBeGreaterThan(0);
  for (const pod of pods) {
    expect(pod.spec.runtimeClassName).toBe('kata-qemu-tdx-runtime-rs');
    expect(pod.metadata.annotations['io.containerd.cri.runtime-handler']).toBe('kata-qemu-tdx-runtime-rs');
  }

  // The three must agree: a variant marked shipped whose class the install does not create is refused.
  writeFileSync(file, shipped.replace('kata-qemu-tdx, kata-qemu-tdx-runtime-rs,', 'kata-qemu-tdx,'));
  const plan = await cli(['plan', '--matrix', join(dir, 'matrix.yaml')], env);
  expect(plan.exitCode).toBe(2);
  expect(plan.stderr).toMatch(/^error: \S+v0\.21\.0\.yaml:\d+:\d+: platforms\.tdx\.runtimeVariants\.runtime-rs\.shipped: shipped is true, but overlay "x86_64" does not create runtime class "kata-qemu-tdx-runtime-rs"/);
});

test('the allow-all agent policy follows kata\'s KATA_HYPERVISOR list, which names runtime-rs shims one by one, not the platform', () => {
  const policyOn = (release: string, platform: 'tdx' | 'snp' | 'coco-dev', variant?: string): boolean => {
    const base = loadRelease(release);
    const profile = variant ? profileForCell(base, { platform, runtimeVariant: variant }) : base;
    const spec = platformSpec(profile, platform);
    const pod = confidentialPod({ profile, platform, spec, kbsUrl: 'http://192.0.2.10:30080', namespace: 'ns', unique: '1a2b3c4d', images: { kind: 'upstream' } },
      { name: 'p', containers: [{ name: 'c', image: 'busybox' }] });
    return pod.metadata.annotations?.[profile.guestComponents.annotations.agentPolicy] !== undefined;
  };
  // kata 3.29.0 tests_common.sh:346: qemu-coco-dev qemu-snp qemu-snp-runtime-rs qemu-tdx qemu-coco-dev-runtime-rs — no qemu-tdx-runtime-rs.
  expect(policyOn('v0.20.0', 'tdx')).toBe(true);
  expect(policyOn('v0.20.0', 'tdx', 'runtime-rs')).toBe(false);
  expect(policyOn('v0.20.0', 'snp', 'runtime-rs')).toBe(true);
  // kata 3.28.0 tests_common.sh:345: qemu-snp-runtime-rs not yet listed; qemu-coco-dev-runtime-rs is.
  expect(policyOn('v0.19.0', 'snp', 'runtime-rs')).toBe(false);
  expect(policyOn('v0.19.0', 'coco-dev', 'runtime-rs')).toBe(true);
  // kata 3.31.0 create_coco_pod_yaml adds no allow-all policy at all.
  expect(policyOn('v0.21.0', 'tdx')).toBe(false);
});
