import { existsSync } from 'node:fs';
import type { RunnerMatrix } from './cell.ts';
import { clusterVersionProblem } from './cluster-versions.ts';
import { cellsOfRun } from './expand-cells.ts';
import { encodedPlatformIds, loadReleaseProfile, releaseProfileFile } from './load-release-profile.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { DEFAULT_RUNTIME_VARIANT } from './runtime-variant.ts';
import { displayPath, type YamlSource } from './yaml-source.ts';

/** Rules that span fields of a schema-valid runner matrix, including the release profiles it names.
 *  Throws the first InputError found; returns the profiles it loaded, by release. */
export function checkRunnerMatrix(matrix: RunnerMatrix, source: YamlSource, releasesDir: string): Map<string, ReleaseProfile> {
  const profiles = new Map<string, ReleaseProfile>();
  const runnerIndex = new Map<string, number>();
  const cellOrigin = new Map<string, string>();
  matrix.runners.forEach((runner, r) => {
    const first = runnerIndex.get(runner.name);
    if (first !== undefined) {
      throw source.error(['runners', r, 'name'], `duplicate runner name ${JSON.stringify(runner.name)} (also runners[${first}])`);
    }
    runnerIndex.set(runner.name, r);
    runner.runs.forEach((run, s) => {
      const at = ['runners', r, 'runs', s];
      checkCluster(run.cluster, source, [...at, 'cluster']);
      run.releases.forEach((release, k) => {
        const profile = profiles.get(release) ?? loadProfile(release, releasesDir, source, [...at, 'releases', k]);
        profiles.set(release, profile);
        const platform = profile.platforms[runner.platform];
        if (!platform) {
          // Platforms are data: one no encoded release defines is a typo of the runner's, not a gap of this release.
          // Only then are the other profiles read.
          const known = encodedPlatformIds(releasesDir);
          if (!known.includes(runner.platform)) {
            throw source.error(['runners', r, 'platform'], `unknown platform ${JSON.stringify(runner.platform)} (expected one of: ${known.join(', ')})`);
          }
          throw source.error([...at, 'releases', k], `release ${release} does not define platform ${JSON.stringify(runner.platform)}`);
        }
        if (!platform.arches.includes(runner.arch)) {
          throw source.error(['runners', r, 'arch'],
            `platform ${JSON.stringify(runner.platform)} runs on ${platform.arches.join(', ')} in release ${release}, not ${runner.arch}`);
        }
        // A variant exists where kata-deploy at the release's kata ref carries its shim; shipped or not is the
        // profile's to say (a cell on an unshipped one skips with the reason).
        (run.runtimeVariants ?? []).forEach((variant, v) => {
          if (variant === DEFAULT_RUNTIME_VARIANT || platform.runtimeVariants?.[variant]) return;
          const defined = Object.keys(platform.runtimeVariants ?? {});
          throw source.error([...at, 'runtimeVariants', v], `release ${release} defines no runtime variant ${JSON.stringify(variant)} of platform ${runner.platform}` +
            ` (it defines: ${[DEFAULT_RUNTIME_VARIANT, ...defined].join(', ')})`);
        });
      });
      // Several runners may run the same stack (the report shows every runner of a cell); one runner twice is a
      // copy-paste slip.
      for (const cell of cellsOfRun(runner, run)) {
        const key = `${runner.name} ${cell.id}`;
        const origin = cellOrigin.get(key);
        if (origin) throw source.error(at, `duplicate cell id ${JSON.stringify(cell.id)} of runner ${runner.name} (also produced by ${origin})`);
        cellOrigin.set(key, `runners[${r}].runs[${s}]`);
      }
    });
  });
  return profiles;
}

function loadProfile(release: string, releasesDir: string, source: YamlSource, at: (string | number)[]): ReleaseProfile {
  const file = releaseProfileFile(release, releasesDir);
  if (!existsSync(file)) {
    throw source.error(at, `no release profile for ${JSON.stringify(release)} (looked for ${displayPath(file)})`);
  }
  return loadReleaseProfile(file);
}

/** A cluster's keys must fit its distro: what the harness creates needs a version its provider has (a kind node
 *  image, a k3s release, the offline bundle's: cluster-versions.ts), refused here rather than at the provision step
 *  of a real run; only kubeadm and kind have a binary source; only a cluster the harness did not create comes with
 *  its own kubeconfig. */
function checkCluster(cluster: RunnerMatrix['runners'][number]['runs'][number]['cluster'], source: YamlSource, at: (string | number)[]): void {
  if (cluster.distro !== 'existing' && !cluster.kubernetes) {
    throw source.error(at, `missing required key "kubernetes" (a ${cluster.distro} cluster needs a Kubernetes version)`);
  }
  if (cluster.distro === 'existing' && cluster.kubernetes) {
    throw source.error([...at, 'kubernetes'], 'an existing cluster runs the version it has; remove "kubernetes"', 'key');
  }
  // kubeadm: its binaries from packages or the offline bundle; kind: its node image published (packages) or made
  // here from the offline bundle (scripts/setup/build-kind-node.sh).
  if (cluster.source && cluster.distro !== 'kubeadm' && cluster.distro !== 'kind') {
    throw source.error([...at, 'source'], `only a kubeadm or kind cluster has a binary source, not ${cluster.distro}`, 'key');
  }
  for (const key of ['kubeconfig', 'context'] as const) {
    if (cluster[key] && cluster.distro !== 'existing') {
      throw source.error([...at, key], `only an existing cluster takes a ${key} (the harness writes its own for ${cluster.distro})`, 'key');
    }
  }
  const versionProblem = clusterVersionProblem(cluster);
  if (versionProblem) throw source.error([...at, 'kubernetes'], versionProblem);
}
