import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { plannedBundle } from '../../../harness/providers/kubeadm/offline-bundle.ts';

/** The kubectl whose embedded kustomize renders the harness's KBS kustomization: the offline bundle's own (built by
 *  scripts/bundle/build.sh, found where plannedBundle() says the cache keeps it) so the self-test uses the kustomize
 *  a kubeadm cell applies with; else one on PATH, said aloud; else a failure that says how to get one. */
export function kubectlForKustomize(log: (line: string) => void = console.log): string {
  const bundled = join(plannedBundle().binDir, 'kubectl');
  if (executable(bundled)) return bundled;
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'kubectl')).find(executable);
  if (onPath) {
    log(`kustomize render: the offline bundle has no kubectl at ${bundled}; using ${onPath} (run scripts/bundle/build.sh for the bundle's)`);
    return onPath;
  }
  throw new Error(`failed to find kubectl: not in the offline bundle (${bundled}) nor on PATH; run scripts/bundle/build.sh`);
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
