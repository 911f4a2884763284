import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { buildCompatibilityReport, renderMarkdown } from '../../reporters/index.ts';
import { diffReleaseProfiles, loadRelease, loadReleaseProfile, runtimeClassPull } from '../../matrix/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('new-release');

const ROOT = resolve(import.meta.dirname, '../..');
/** Written by hand in the shape of kata's versions.yaml (see its header). */
const VERSIONS = join(ROOT, 'test/matrix/candidate/kata-versions.yaml');

/** A copy of matrix/releases plus a runner matrix of v0.21.0 and the candidate, so nothing here touches the
 *  shipped profiles. */
function releasesCopy(): string {
  const dir = scratch('releases');
  mkdirSync(dir);
  for (const name of readdirSync(join(ROOT, 'matrix/releases'))) copyFileSync(join(ROOT, 'matrix/releases', name), join(dir, name));
  writeFileSync(join(dir, 'matrix.yaml'), ['schemaVersion: 1', 'name: next', 'runners:', '  - name: tdx-01', '    platform: tdx', '    arch: x86_64',
    '    runs:', '      - releases: [v0.21.0, v0.22.0]', '        cluster: { distro: kubeadm, kubernetes: "1.30", source: packages }',
    '        containerRuntime: containerd', '        pullModes: [nydus]', ''].join('\n'));
  return dir;
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), ...args],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}`, ...env } });
  return { ...result, output: result.stdout + result.stderr };
}

async function newRelease(dir: string, extra: string[] = []) {
  return cli(['new-release', 'v0.22.0', '--from', 'v0.21.0', '--versions', VERSIONS, '--kata-ref', '3.33.0', '--date', '2026-07-31',
    '--releases-dir', dir, ...extra]);
}

test('new-release v0.22.0 --from v0.21.0 writes a candidate that loads, plans, dry-runs and diffs, named a candidate', async () => {
  const dir = releasesCopy();
  const made = await newRelease(dir);
  expect(made.exitCode, made.output).toBe(0);
  const text = readFileSync(join(dir, 'v0.22.0.yaml'), 'utf8');
  const candidate = loadReleaseProfile(join(dir, 'v0.22.0.yaml'));
  const previous = loadRelease('v0.21.0', dir);

  // The components are the versions.yaml's, read here by the YAML library on its own.
  const externals = YAML.parse(readFileSync(VERSIONS, 'utf8')).externals;
  expect(candidate.components.trustee).toEqual({
    ref: externals['coco-trustee'].version, image: `${externals['coco-trustee'].image}:${externals['coco-trustee'].image_tag}` });
  expect(candidate.kbs.ref).toBe(externals['coco-trustee'].version);
  expect(candidate.components.guestComponents.version).toBe(externals['coco-guest-components'].version);
  expect(candidate.components.nydusSnapshotter?.version).toBe(externals['nydus-snapshotter'].version);
  expect(candidate.components.kata.version).toBe('3.33.0');
  // Installed as kata's CI installs before a tag: kata-deploy's chart at the ref, the shims v0.21.0 enabled.
  expect(candidate.install).toMatchObject({ method: 'helm', releaseName: 'kata-deploy', namespace: 'kube-system',
    chart: 'git+https://github.com/kata-containers/kata-containers@3.33.0#tools/packaging/kata-deploy/helm-chart/kata-deploy' });
  expect(candidate.install.method === 'helm' && candidate.install.values).toEqual(
    previous.install.method === 'helm' ? previous.install.values?.['kata-as-coco-runtime'] : undefined);
  // Unwrapped, debug is kata-deploy's own top-level switch (values.yaml:23 at 3.25.0), and each shim's pull values
  // are read where the chart has them (the profile check refuses a candidate whose shims do not state them).
  expect(candidate.install.method === 'helm' && candidate.install.debugValue).toBe('debug');
  expect(runtimeClassPull(candidate, 'nvidia-gpu-tdx')).toMatchObject({ snapshotter: 'nydus', forcedGuestPull: false,
    from: 'install values shims.qemu-nvidia-gpu-tdx.containerd: snapshotter "nydus", forceGuestPull false' });
  // Everything else is v0.21.0's, comments and all; what could not be derived is listed for review.
  expect(candidate.claims).toEqual(previous.claims);
  expect(text).toContain('# kata 3.31.0 versions.yaml:298-304');
  expect(text).toContain('# CANDIDATE: externals.coco-trustee.version');
  expect(candidate.candidate?.from).toBe('v0.21.0');
  expect(candidate.candidate?.review.map((r) => r.path)).toEqual(expect.arrayContaining(['notesUrl', 'kbs', 'claims', 'limitations', 'testedStacks', 'install',
    'platforms.*.runtimeVariants', 'install.snapshotters']));
  expect(made.stdout).toContain('review before it is the release');

  const env = { COCO_RELEASES_DIR: dir };
  const plan = await cli(['plan', '--matrix', join(dir, 'matrix.yaml')], env);
  expect(plan.exitCode, plan.output).toBe(0);
  expect(plan.stdout).toMatch(/v0\.22\.0\/tdx\/kubeadm-1\.30\/containerd\/nydus +v0\.22\.0 \(candidate\)/);
  expect(plan.stdout).toMatch(/v0\.21\.0\/tdx\/kubeadm-1\.30\/containerd\/nydus +v0\.21\.0 /);

  const out = join(dir, 'out');
  const run = await cli(['run', '--dry-run', '--matrix', join(dir, 'matrix.yaml'), '--cell', 'v0.22.0/tdx/kubeadm-1.30/containerd/nydus', '--out', out],
    { ...env, COCO_STATE_DIR: join(dir, 'state') });
  expect(run.exitCode, run.output).toBe(0);
  const script = readFileSync(join(out, 'dry-run', 'v0.22.0/tdx/kubeadm-1.30/containerd/nydus', 'commands.sh'), 'utf8');
  expect(script).toMatch(/git -C \S+chart-source checkout --quiet --detach 3\.33\.0/);
  expect(script).toMatch(/helm --kubeconfig \S+ install kata-deploy \S+chart-source\/tools\/packaging\/kata-deploy\/helm-chart\/kata-deploy --namespace kube-system/);
  expect(script).not.toMatch(/delete namespace kube-system/);

  const diff = await cli(['diff-release', 'v0.21.0', 'v0.22.0'], env);
  expect(diff.exitCode, diff.output).toBe(0);
  expect(diff.stdout).toContain('# v0.21.0 → v0.22.0 (candidate)');
  expect(diff.stdout).toContain('## To review before v0.22.0 (candidate) is the release');
  expect(diffReleaseProfiles(previous, candidate).components).toContainEqual({ what: 'trustee.ref', from: previous.kbs.ref, to: externals['coco-trustee'].version });

  // The report and the sign-off name it a candidate.
  const report = buildCompatibilityReport({ records: [], profile: candidate, generatedAt: '2026-07-31T00:00:00Z' });
  expect(renderMarkdown(report).split('\n')[0]).toBe('# CoCo v0.22.0 (candidate) compatibility report');

  // Turning the candidate into the release is editing data: without its candidate block it is the release.
  const released = text.slice(0, text.indexOf('\n# Delete this block')) + '\n';
  writeFileSync(join(dir, 'v0.22.0.yaml'), released);
  const release = loadRelease('v0.22.0', dir);
  expect(release.candidate).toBeUndefined();
  expect(buildCompatibilityReport({ records: [], profile: release }).releaseLabel).toBe('v0.22.0');
});

test('new-release reads trustee from kata 4.x versions.yaml (images.kbs tagged with the version) and refuses what it cannot read', async () => {
  const dir = releasesCopy();
  const fourShape = readFileSync(VERSIONS, 'utf8').replace(/    # image and image_tag must be in sync\n    image: .*\n    image_tag: .*\n/,
    '    images:\n      kbs: "ghcr.io/confidential-containers/staged-images/kbs-grpc-as"\n      as: "ghcr.io/confidential-containers/staged-images/coco-as-grpc"\n');
  const file = join(dir, 'versions-4.yaml');
  writeFileSync(file, fourShape);
  const made = await cli(['new-release', 'v0.22.0', '--from', 'v0.21.0', '--versions', file, '--kata-ref', '4.0.0', '--releases-dir', dir]);
  expect(made.exitCode, made.output).toBe(0);
  const candidate = loadRelease('v0.22.0', dir);
  expect(candidate.kbs.image).toBe('ghcr.io/confidential-containers/staged-images/kbs-grpc-as:258ea4acb7b9bd865fce5c63a539f2120dba8298');
  expect(candidate.candidate?.review.some((r) => r.path === 'kbs' && r.why.includes('images.{kbs, as, rvps}'))).toBe(true);

  writeFileSync(file, fourShape.replace(/  coco-trustee:[\s\S]*?(?=\n  nydus)/, ''));
  const missing = await cli(['new-release', 'v0.23.0', '--from', 'v0.21.0', '--versions', file, '--kata-ref', '4.0.0', '--releases-dir', dir]);
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr.trim()).toMatch(/^error: .*versions-4\.yaml(:\d+:\d+)?: externals\.coco-trustee\.version: missing/);
  expect(missing.stderr).not.toContain('    at ');

  const exists = await cli(['new-release', 'v0.22.0', '--from', 'v0.21.0', '--versions', VERSIONS, '--kata-ref', '3.33.0', '--releases-dir', dir]);
  expect(exists.exitCode).toBe(2);
  expect(exists.stderr).toContain('exists (--force replaces it)');
  const commit = await cli(['new-release', 'v0.23.0', '--from', 'v0.21.0', '--versions', VERSIONS, '--kata-ref', 'a'.repeat(40), '--releases-dir', dir]);
  expect(commit.exitCode).toBe(2);
  expect(commit.stderr).toContain('is not a version; give the version the candidate carries');
});

test('a nightly commit installs CI\'s kata-deploy image per arch (ci-nightly.yaml <commit>-nightly, ci.yaml -<arch>)', async () => {
  const dir = releasesCopy();
  const sha = '7c6ba40c54ea29b459b4997cff948caaba4e658b';
  const made = await cli(['new-release', 'v0.22.0', '--from', 'v0.21.0', '--versions', VERSIONS, '--kata-ref', sha, '--kata-version', '3.33.0-rc0', '--releases-dir', dir]);
  expect(made.exitCode, made.output).toBe(0);
  const install = loadRelease('v0.22.0', dir).install;
  expect(install.method === 'helm' && install.valuesByArch).toEqual({
    x86_64: { image: { reference: 'ghcr.io/kata-containers/kata-deploy-ci', tag: `${sha}-nightly-amd64` } },
    s390x: { image: { reference: 'ghcr.io/kata-containers/kata-deploy-ci', tag: `${sha}-nightly-s390x` } },
  });
});
