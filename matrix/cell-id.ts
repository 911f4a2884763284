import type { ClusterSpec } from './cell.ts';
import { platformLabel } from './runtime-variant.ts';
import type { PullMode } from './vocabulary.ts';

/** The cluster part of a cell id: `kubeadm-1.30`, `kind-1.30`, or `existing` (its version is whatever it runs). */
export function clusterLabel(cluster: ClusterSpec): string {
  return cluster.distro === 'existing' ? 'existing' : `${cluster.distro}-${cluster.kubernetes ?? 'unversioned'}`;
}

/** Stable, readable cell id: release/platform/cluster/runtime/pull mode, e.g. v0.9.0/snp/kubeadm-1.30/containerd/nydus;
 *  a platform's runtime variant joins the platform with `+` (v0.21.0/tdx+runtime-rs/existing/containerd/nydus). */
export function cellId(release: string, platform: string, cluster: ClusterSpec, runtime: string, pullMode: PullMode, runtimeVariant?: string): string {
  return [release, platformLabel(platform, runtimeVariant), clusterLabel(cluster), runtime, pullMode].join('/');
}
