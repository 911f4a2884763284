import type { ClusterSpec, RunSpec, RunnerSpec, Cell } from './cell.ts';
import { FEATURES, type PullMode } from './vocabulary.ts';

/** The cluster part of a cell id: `kubeadm-1.30`, `kind-1.30`, or `existing` (its version is whatever it runs). */
export function clusterLabel(cluster: ClusterSpec): string {
  return cluster.distro === 'existing' ? 'existing' : `${cluster.distro}-${cluster.kubernetes ?? 'unversioned'}`;
}

/** Stable, readable cell id: release/platform/cluster/runtime/pull mode, e.g. v0.9.0/snp/kubeadm-1.30/containerd/nydus. */
export function cellId(release: string, platform: string, cluster: ClusterSpec, runtime: string, pullMode: PullMode): string {
  return [release, platform, clusterLabel(cluster), runtime, pullMode].join('/');
}

/** The cells one run of a runner stands for: every release × pull mode, in the order the matrix lists them. */
export function cellsOfRun(runner: RunnerSpec, run: RunSpec): Cell[] {
  return run.releases.flatMap((release) =>
    run.pullModes.map((pullMode) => ({
      id: cellId(release, runner.platform, run.cluster, run.containerRuntime, pullMode),
      runner: runner.name,
      release,
      platform: runner.platform,
      arch: runner.arch,
      cluster: run.cluster,
      containerRuntime: run.containerRuntime,
      pullMode,
      suites: [...(run.suites ?? FEATURES)],
      required: run.required ?? true,
    })),
  );
}
