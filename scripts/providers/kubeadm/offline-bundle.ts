import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { runCommand } from '../../exec/run-command.ts';

const BUILD_SCRIPT = fileURLToPath(new URL('../../bundle/build.sh', import.meta.url));

export interface OfflineBundle {
  dir: string;
  binDir: string;
  imagesDir: string;
  kubernetes: string;
  etcdImageTag: string;
  pauseTag: string;
  imageRepository: string;
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
  };
}

export const BUNDLE_IMAGES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'etcd', 'pause'];
export const BUNDLE_NODE_BINARIES = ['kubeadm', 'kubelet', 'kubectl', 'crictl'];
export { BUILD_SCRIPT as OFFLINE_BUNDLE_BUILD_SCRIPT };
