import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { harnessCacheDir } from '../../../lib/exec/cached-go-tool.ts';
import { runCommand } from '../../../lib/exec/run-command.ts';
import { offlineBundleVersions } from '../../../matrix/cluster-versions.ts';
import { sourcePath } from '../../../matrix/source-root.ts';

const BUILD_SCRIPT = sourcePath('scripts/bundle/build.sh');

export interface OfflineBundle {
  dir: string;
  binDir: string;
  imagesDir: string;
  kubernetes: string;
  etcdImageTag: string;
  pauseTag: string;
  imageRepository: string;
  containerd: string;
  runc: string;
  /** containerd, containerd-shim-runc-v2, ctr and runc: cached apart from Kubernetes (build.sh). */
  runtimeBinDir: string;
}

/** Builds (or finds cached) the offline Kubernetes bundle; the build script prints the bundle folder last. */
export async function ensureOfflineBundle(log: (line: string) => void): Promise<OfflineBundle> {
  log('offline bundle: building or reusing the cache (cold build takes tens of minutes on 2 cores)');
  const result = await runCommand(['bash', BUILD_SCRIPT]);
  for (const line of result.stderr.split('\n').filter((l) => l.startsWith('[bundle'))) log(line);
  const dir = result.stdout.trim().split('\n').pop() ?? '';
  return readBundle(dir);
}

export function readBundle(dir: string): OfflineBundle {
  const versions = JSON.parse(readFileSync(join(dir, 'versions.json'), 'utf8')) as Record<string, string>;
  return {
    dir,
    binDir: join(dir, 'bin'),
    imagesDir: join(dir, 'images'),
    kubernetes: versions.kubernetes ?? '',
    etcdImageTag: versions.etcdImageTag ?? '',
    pauseTag: versions.pauseTag ?? '',
    imageRepository: versions.imageRepository ?? '',
    containerd: versions.containerd ?? '',
    runc: versions.runc ?? '',
    runtimeBinDir: versions.runtimeBinDir ?? '',
  };
}

/** The bundle build.sh would produce, read from the same versions.env (for dry-run, which builds nothing). */
export function plannedBundle(env: NodeJS.ProcessEnv = process.env): OfflineBundle {
  const versions = offlineBundleVersions();
  const cache = harnessCacheDir(env);
  const dir = join(cache, 'bundle', `k8s-${versions.KUBE_VERSION}-etcd-${versions.ETCD_VERSION}`);
  const runtimeDir = join(cache, 'bundle', `containerd-${versions.CONTAINERD_VERSION}-runc-${versions.RUNC_VERSION}`);
  return {
    dir,
    binDir: join(dir, 'bin'),
    imagesDir: join(dir, 'images'),
    kubernetes: versions.KUBE_VERSION ?? '',
    etcdImageTag: `${(versions.ETCD_VERSION ?? '').replace(/^v/, '')}-0`,
    pauseTag: versions.PAUSE_TAG ?? '',
    imageRepository: versions.IMAGE_REPOSITORY ?? '',
    containerd: versions.CONTAINERD_VERSION ?? '',
    runc: versions.RUNC_VERSION ?? '',
    runtimeBinDir: join(runtimeDir, 'bin'),
  };
}

export const BUNDLE_IMAGES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'etcd', 'pause'];
export const BUNDLE_NODE_BINARIES = ['kubeadm', 'kubelet', 'kubectl', 'crictl'];
/** Installed into NODE_LAYOUT.runtimeBinDir, off PATH. */
export const BUNDLE_RUNTIME_BINARIES = ['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc'];
export { BUILD_SCRIPT as OFFLINE_BUNDLE_BUILD_SCRIPT };
