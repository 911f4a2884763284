import { existsSync, readFileSync } from 'node:fs';
import { startDaemon } from '../../../lib/exec/daemon.ts';
import { recordLocalClusterProcess } from './local-cluster-state.ts';
import { NODE_LAYOUT } from './node-layout.ts';

const KUBELET_CONFIG = '/var/lib/kubelet/config.yaml';
const KUBEADM_FLAGS = '/var/lib/kubelet/kubeadm-flags.env';

/** The kubelet command line systemd's kubeadm drop-in (10-kubeadm.conf) would run, read from the files that
 *  `kubeadm init`'s kubelet-start phase writes. */
export function kubeletArgv(binDir: string): string[] {
  const flags = readFileSync(KUBEADM_FLAGS, 'utf8').match(/KUBELET_KUBEADM_ARGS="([^"]*)"/)?.[1] ?? '';
  return [
    `${binDir}/kubelet`,
    '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
    '--kubeconfig=/etc/kubernetes/kubelet.conf',
    `--config=${KUBELET_CONFIG}`,
    ...flags.split(/\s+/).filter(Boolean),
  ];
}

/** kubeadm writes the kubelet's files, then asks systemd to start it; without systemd we start it ourselves as
 *  soon as both files exist (kubeadm keeps waiting for the control plane meanwhile). */
export async function startKubeletWhenConfigured(binDir: string, deadlineMs: number, aborted: () => boolean): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  while (!(existsSync(KUBELET_CONFIG) && existsSync(KUBEADM_FLAGS))) {
    if (aborted()) throw new Error('failed to start kubelet: kubeadm init ended before writing the kubelet config');
    if (Date.now() > deadline) {
      throw new Error(`failed to start kubelet: ${KUBELET_CONFIG} not written by kubeadm within ${deadlineMs / 1000}s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const pid = startDaemon({
    name: 'kubelet',
    argv: kubeletArgv(binDir),
    logFile: `${NODE_LAYOUT.logDir}/kubelet.log`,
    pidFile: NODE_LAYOUT.kubeletPidFile,
  });
  recordLocalClusterProcess('kubelet', pid);
  return pid;
}
