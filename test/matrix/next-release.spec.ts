import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planDryRun } from '../../lib/dry-run/index.ts';
import { DEFAULT_RELEASES_DIR, diffReleaseProfiles, encodedReleases, loadRelease, planCells, releaseTag } from '../../matrix/index.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('next-release');

/** The promise of the release profile: the release after v0.21.0 is a new YAML file. Here it is one — v0.21.0's
 *  profile with only data changed (versions, a date, a failure text, a limitation, a claim) — and everything that
 *  reads profiles takes it: the loader, the encoded-release list, plan, the dry run and diff-release. No code in this
 *  test or outside it knows the release. */
function releasesWithNext(): string {
  const dir = scratch('releases');
  mkdirSync(dir);
  for (const name of readdirSync(DEFAULT_RELEASES_DIR)) copyFileSync(join(DEFAULT_RELEASES_DIR, name), join(dir, name));
  const edits: [string, string][] = [
    ['release: v0.21.0', 'release: v0.22.0'],
    ['releaseDate: "2026-05-29"', 'releaseDate: "2026-07-31"'],
    ['releases/v0.21.0.md', 'releases/v0.22.0.md'],
    ['kata: { version: 3.31.0 }', 'kata: { version: 3.33.0 }'],
    ['encryptedImageNoKey: { surfaces: agent-error, fragments: ["Failed to decrypt the image layer, please ensure that the decryption key is placed and correct"] }',
      'encryptedImageNoKey: { surfaces: agent-error, fragments: ["Failed to decrypt the image layer, please ensure that the decryption key is placed and correct", no key] }'],
    ['limitations:\n', 'limitations:\n  - id: next-release-example\n    text: An example limitation of the next release.\n    features: [guest-pull]\n'],
  ];
  let text = readFileSync(join(DEFAULT_RELEASES_DIR, 'v0.21.0.yaml'), 'utf8');
  for (const [from, to] of edits) {
    expect(text, `v0.21.0.yaml still holds ${JSON.stringify(from)}`).toContain(from);
    text = text.replace(from, to);
  }
  // A claim the next release narrows: sealed secrets on SE become a limitation quoting the (new) notes.
  text = text.replace(/(\n  sealed-secrets:\n(?:    .*\n)*?    se: )[^\n]*/, '$1{ status: limitation, note: An example limitation of the next release. }');
  writeFileSync(join(dir, 'v0.22.0.yaml'), text);
  writeFileSync(join(dir, 'matrix.yaml'), ['schemaVersion: 1', 'name: next', 'runners:', '  - name: tdx-01', '    platform: tdx', '    arch: x86_64',
    '    runs:', '      - releases: [v0.21.0, v0.22.0]', '        cluster: { distro: kubeadm, kubernetes: "1.30", source: packages }',
    '        containerRuntime: containerd', '        pullModes: [nydus]', ''].join('\n'));
  return dir;
}

test('a release after v0.21.0 that changes only data is one new YAML file: load, list, plan, dry run and diff take it', async () => {
  const dir = releasesWithNext();
  const next = loadRelease('v0.22.0', dir);
  expect(encodedReleases(dir).at(-1)).toBe('v0.22.0');
  expect(encodedReleases(dir)).toHaveLength(encodedReleases().length + 1);

  const { cells } = planCells(join(dir, 'matrix.yaml'), {}, dir);
  expect(cells.map((c) => c.cell.id)).toEqual(['v0.21.0/tdx/kubeadm-1.30/containerd/nydus', 'v0.22.0/tdx/kubeadm-1.30/containerd/nydus']);
  const planned = await planDryRun({ profile: next, platform: 'tdx' });
  expect(planned.kind).toBe('planned');
  const noKey = planned.kind === 'planned' ? planned.tests.find((t) => t.id === 'encrypted-image/no-key-fails') : undefined;
  expect(noKey && 'plan' in noKey ? noKey.plan.failureText : undefined).toEqual({ surfaces: 'agent-error',
    fragments: ['Failed to decrypt the image layer, please ensure that the decryption key is placed and correct', 'no key'] });

  const diff = diffReleaseProfiles(loadRelease('v0.21.0', dir), next);
  expect(diff.components).toContainEqual({ what: 'kata.version', from: '3.31.0', to: '3.33.0' });
  expect(diff.limitations.added).toEqual(['An example limitation of the next release.']);
  expect(diff.claims).toContainEqual(expect.objectContaining({ feature: 'sealed-secrets', platform: 'se', from: 'supported', to: 'limitation' }));
  expect(diff.expectations).toContainEqual({ test: 'sealed-secret/unsealed-with-resource', platform: 'se', from: 'pass', to: 'fail' });
  expect(diff.mechanics).toEqual([]);
});

test('diff-release v0.17.0 v0.18.0 names Helm, the end of enclave-cc and the structured policy input', () => {
  const diff = diffReleaseProfiles(loadRelease('v0.17.0'), loadRelease('v0.18.0'));
  const mechanic = (what: string) => diff.mechanics.find((m) => m.what === what);
  expect(mechanic('install method')?.from).toMatch(/^operator /);
  expect(mechanic('install method')?.to).toMatch(/^helm \(chart oci:\/\/ghcr\.io\/confidential-containers\/charts\/confidential-containers 0\.18\.0/);
  expect(mechanic('KBS resource policy input')).toMatchObject({ from: expect.stringContaining('path-string'), to: expect.stringContaining('structured') });
  expect(mechanic('KBS resource policy Rego dialect')).toEqual({ what: 'KBS resource policy Rego dialect', from: 'v0', to: 'v1' });
  for (const platform of ['enclave-cc-hw', 'enclave-cc-sim']) {
    expect(diff.platforms.find((p) => p.what === `platform ${platform}`)).toMatchObject({
      from: 'shipped (enclave-cc)', to: expect.stringContaining('enclave-cc has been removed') });
  }
  expect(diff.platforms.find((p) => p.what === 'platform nvidia-gpu-snp')).toMatchObject({ from: 'not defined' });
  expect(diff.tests.added).toContain('attestation/gpu-attested');
});

test('the shipped defaults name no release: with v0.22.0 added, local runs it and nightly runs it beside v0.21.0', () => {
  const dir = releasesWithNext();
  const local = planCells('matrix/local.yaml', {}, dir).cells.map((c) => c.cell.id);
  expect(local).toEqual(['v0.22.0/control/kubeadm-1.35/containerd/host']);
  const nightly = planCells('matrix/nightly.yaml', {}, dir).cells.map((c) => c.cell);
  expect(new Set(nightly.map((c) => c.release))).toEqual(new Set(['v0.22.0', 'v0.21.0']));
  expect(nightly.filter((c) => c.release === 'v0.22.0').map((c) => c.platform)).toEqual(
    nightly.filter((c) => c.release === 'v0.21.0').map((c) => c.platform));
  // report and signoff take the same keyword: `--release latest` is the new release.
  expect(releaseTag('latest', dir)).toBe('v0.22.0');
  expect(releaseTag('previous', dir)).toBe('v0.21.0');
  expect(releaseTag('v0.20.0', dir)).toBe('v0.20.0');
  // Without it, the same files plan v0.21.0 and v0.20.0: the keywords, not the files, moved.
  expect(planCells('matrix/local.yaml').cells.map((c) => c.cell.release)).toEqual(['v0.21.0']);
  expect(new Set(planCells('matrix/nightly.yaml').cells.map((c) => c.cell.release))).toEqual(new Set(['v0.21.0', 'v0.20.0']));
});

test('release keywords: one line naming the position when there is nothing to resolve or a run names a release twice', () => {
  const dir = scratch('keywords');
  const releases = scratch('one-release');
  mkdirSync(dir);
  mkdirSync(releases);
  copyFileSync(join(DEFAULT_RELEASES_DIR, 'v0.9.0.yaml'), join(releases, 'v0.9.0.yaml'));
  const matrix = (list: string) => {
    const file = join(dir, `m-${list.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, ['schemaVersion: 1', 'name: k', 'runners:', '  - name: local', '    platform: control', '    arch: x86_64', '    runs:',
      `      - releases: ${list}`, '        cluster: { distro: kubeadm, kubernetes: "1.35", source: bundle }', '        containerRuntime: containerd',
      '        pullModes: [host]', ''].join('\n'));
    return file;
  };
  expect(planCells(matrix('[latest]'), {}, releases).cells.map((c) => c.cell.release)).toEqual(['v0.9.0']);
  expect(() => planCells(matrix('[latest, previous]'), {}, releases)).toThrow(
    /:8:28: runners\[0\]\.runs\[0\]\.releases\[1\]: previous: there is no release before v0\.9\.0 \(the only encoded release\)$/);
  expect(() => planCells(matrix('[latest, v0.21.0]'))).toThrow(/releases\[1\]: v0\.21\.0 names v0\.21\.0, already listed as releases\[0\]$/);
  expect(() => planCells(matrix('[newest]'))).toThrow(/releases\[0\]: .*a release tag like "v0\.21\.0", or latest or previous/);
});
