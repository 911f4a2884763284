import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { clusterVersionProblem } from '../../matrix/cluster-versions.ts';
import { loadRunnerMatrix } from '../../matrix/index.ts';
import { bundleVersions } from '../support/bundle-versions.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** A matrix asks each cluster provider for a Kubernetes version it has (matrix/cluster-versions.ts); the refusals
 *  themselves, with file, line and path, are in the bad-YAML corpus (test/matrix/bad-yaml/matrix-*-kubernetes-*). */
process.chdir(SOURCE_ROOT);

test('every runner matrix the project ships loads: each cluster asks for a version its provider has', () => {
  const shipped = readdirSync('matrix').filter((name) => name.endsWith('.yaml') && readFileSync(path.join('matrix', name), 'utf8').includes('\nrunners:'));
  expect(shipped).toEqual(expect.arrayContaining(['local.yaml', 'nightly.yaml', 'all-releases.yaml', 'control-kind.yaml', 'control-sweep.yaml']));
  for (const name of shipped) {
    const matrix = loadRunnerMatrix(path.join('matrix', name));
    for (const run of matrix.runners.flatMap((runner) => runner.runs)) expect(clusterVersionProblem(run.cluster), name).toBeUndefined();
  }
});

test('kind and k3s are held to the versions they pin, source: bundle to the bundle\'s; kubeadm from packages and an existing cluster never', () => {
  // The bundle's version as scripts/bundle/build.sh sources it.
  const bundled = bundleVersions().KUBE_VERSION!.match(/^v(\d+\.\d+)\.(\d+)$/)!;
  const [minor, patch] = [bundled[1]!, Number(bundled[2])];
  const refused = (cluster: Parameters<typeof clusterVersionProblem>[0]) => clusterVersionProblem(cluster) ?? 'accepted';
  expect(refused({ distro: 'kind', kubernetes: '1.30' })).toBe('accepted');
  // A full version is kind's published image of that name, whatever its minor; kind names only the minors it pins.
  expect(refused({ distro: 'kind', kubernetes: '1.27.16' })).toBe('accepted');
  expect(refused({ distro: 'kind', kubernetes: '1.19' })).toMatch(/^kind has no node image for Kubernetes 1\.19 \(it pins 1\.31, 1\.30, 1\.29, 1\.28: /);
  expect(refused({ distro: 'k3s', kubernetes: '1.28' })).toBe('accepted');
  // k3s pins one release per minor: a patch version is not one of them.
  expect(refused({ distro: 'k3s', kubernetes: '1.30.5' })).toMatch(/^k3s has no release for Kubernetes 1\.30\.5 \(it pins one per minor: 1\.35, /);
  for (const distro of ['kubeadm', 'kind'] as const) {
    expect(refused({ distro, kubernetes: minor, source: 'bundle' }), distro).toBe('accepted');
    expect(refused({ distro, kubernetes: `${minor}.${patch}`, source: 'bundle' }), distro).toBe('accepted');
    expect(refused({ distro, kubernetes: `${minor}.${patch + 1}`, source: 'bundle' }), distro)
      .toBe(`the offline bundle (source: bundle) has Kubernetes v${minor}.${patch} only (KUBE_VERSION in scripts/bundle/versions.env), not ${minor}.${patch + 1}`);
    expect(refused({ distro, kubernetes: '1.30', source: 'bundle' }), distro).toMatch(/ only \(KUBE_VERSION in scripts\/bundle\/versions\.env\), not 1\.30$/);
  }
  // No table: the runner's own kubeadm, the cluster that is already there.
  expect(refused({ distro: 'kubeadm', kubernetes: '1.19', source: 'packages' })).toBe('accepted');
  expect(refused({ distro: 'kubeadm', kubernetes: '1.19' })).toBe('accepted');
  expect(refused({ distro: 'existing' })).toBe('accepted');
  expect(refused({ distro: 'existing', kubernetes: '1.19' })).toBe('accepted');
});
