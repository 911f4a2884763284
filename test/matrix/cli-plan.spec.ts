import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { encodedReleases } from '../../matrix/index.ts';

/** The real binary, as a user runs it: exit codes, stdout, and that bad input is one line on stderr, no stack. */
function cli(...args: string[]) {
  const result = spawnSync('node', ['bin/coco-conformance.mjs', ...args], { cwd: SOURCE_ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectOneLineError(result: ReturnType<typeof cli>, line: string): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe(`${line}\n`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

test('plan defaults to the embedded local matrix: control on the newest encoded release', () => {
  const result = cli('plan');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^CELL +RUNNER +PLATFORM +CLUSTER +RUNTIME +PULL +SUITES +TESTS \(pass\/fail\/skip\)\n/);
  // matrix/local.yaml says `latest`: whichever profile is newest in matrix/releases/.
  expect(result.stdout).toMatch(new RegExp(`^${encodedReleases().at(-1)!.replace(/\./g, '\\.')}/control/kubeadm-1\\.35/containerd/host +local +control +kubeadm-1\\.35 \\(bundle\\) +containerd +host +all +39 \\(\\d+/\\d+/\\d+\\)$`, 'm'));
  expect(result.stdout).toContain('1 cell from matrix/local.yaml');
});

test('plan --json carries every cell, its counts and each test outcome', () => {
  const result = cli('plan', '--matrix', 'matrix/all-releases.yaml', '--cell', 'v0.9.0/snp/kubeadm-1.30/containerd/nydus', '--suite', 'attestation', 'signed-images', '--json');
  expect(result.code).toBe(0);
  const plan = JSON.parse(result.stdout);
  expect(plan.matrix).toBe('matrix/all-releases.yaml');
  expect(plan.cells).toHaveLength(1);
  expect(plan.cells[0]).toMatchObject({ id: 'v0.9.0/snp/kubeadm-1.30/containerd/nydus', suites: ['attestation', 'signed-images'], expected: { pass: 5, fail: 2, skip: 2 } });
  expect(plan.cells[0].tests.find((t: { id: string }) => t.id === 'signed-images/unsigned-image-rejected')).toMatchObject({
    expect: 'fail', reason: 'Signed images are not yet supported.' });
  // A signed image runs whether or not signatures are verified: that test cannot discriminate under the limitation.
  expect(plan.cells[0].tests.find((t: { id: string }) => t.id === 'signed-images/signed-image-runs')).toMatchObject({ expect: 'pass' });
});

test('plan filters by runner', () => {
  const result = cli('plan', '--matrix', 'matrix/nightly.yaml', '--runner', 'se-kubeadm-01');
  expect(result.code).toBe(0);
  const [latest, previous] = encodedReleases().slice(-2).reverse();
  expect(result.stdout).toContain(`${latest}/se/existing/containerd/nydus`);
  expect(result.stdout).toContain(`${previous}/se/existing/containerd/nydus`);
  expect(result.stdout).not.toContain('/tdx/');
});

test('a bad matrix: exit 2, one line naming file, position and path', () => {
  expectOneLineError(
    cli('plan', '--matrix', 'test/matrix/bad-yaml/matrix-distro-deep-path.yaml'),
    'error: test/matrix/bad-yaml/matrix-distro-deep-path.yaml:26:19: runners[2].runs[0].cluster.distro: unknown cluster distro "k3ss" (expected one of: kind, k3s, kubeadm, existing)',
  );
});

test('a missing matrix file: exit 2, one line', () => {
  expectOneLineError(cli('plan', '--matrix', 'matrix/nope.yaml'), 'error: matrix/nope.yaml: (document): file not found');
});

test('a filter that matches nothing: exit 2, one line', () => {
  expectOneLineError(cli('plan', '--runner', 'nope'), 'error: matrix/local.yaml: runners: no runner named "nope" (runners: local)');
});

test('an unknown flag or a flag without value: exit 2, no stack', () => {
  expectOneLineError(cli('plan', '--bogus'), 'error: unknown flag --bogus (flags: --matrix, --runner, --cell, --platform, --suite, --json, --help)');
  expectOneLineError(cli('plan', '--matrix'), 'error: --matrix needs a value');
});
