import type { Arch, ClusterDistro, ContainerRuntime, Feature, PlatformId, PullMode } from './vocabulary.ts';

/** A runner matrix as loaded from matrix/*.yaml: who runs what. */
export interface RunnerMatrix {
  schemaVersion: 1;
  name: string;
  /** Path of the file it came from, for messages. */
  file: string;
  runners: RunnerSpec[];
}

export interface RunnerSpec {
  name: string; // "tdx-kubeadm-01"
  platform: PlatformId;
  arch: Arch;
  /** Free text for humans: where this runner lives, who looks after it. */
  description?: string;
  runs: RunSpec[];
}

export interface RunSpec {
  /** Release tags; `latest` / `previous` in the file are resolved to tags when it loads (release-keywords.ts). */
  releases: string[]; // ["v0.21.0", "v0.20.0"]
  cluster: ClusterSpec;
  containerRuntime: ContainerRuntime;
  pullModes: PullMode[];
  /** The platform's runtime classes to run: `default` (its own) and/or variants its release profiles define
   *  (platforms.<p>.runtimeVariants, e.g. runtime-rs); `[default]` when absent. */
  runtimeVariants?: string[];
  /** Feature suites to run; all features when absent. */
  suites?: Feature[];
  /** Whether this cell counts for sign-off (a required cell that is NOT-RUN makes the verdict INCONCLUSIVE). */
  required?: boolean;
}

export interface ClusterSpec {
  distro: ClusterDistro;
  /** Kubernetes version, e.g. "1.30"; absent for `existing`. */
  kubernetes?: string;
  /** kubeadm only: where binaries come from — apt packages on a real runner, or the offline bundle built here. */
  source?: 'packages' | 'bundle';
  kubeconfig?: string;
  context?: string;
  os?: string;
}

/** One fully specified combination. */
export interface Cell {
  /** Stable, readable id: v0.9.0/snp/kubeadm-1.30/containerd/nydus */
  id: string;
  runner: string;
  release: string;
  platform: PlatformId;
  arch: Arch;
  cluster: ClusterSpec;
  containerRuntime: ContainerRuntime;
  pullMode: PullMode;
  /** A runtime variant of the platform (matrix/runtime-variant.ts); absent on the platform's own runtime class. */
  runtimeVariant?: string;
  suites: Feature[];
  required: boolean;
}
