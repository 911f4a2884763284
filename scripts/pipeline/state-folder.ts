import { chmodSync, mkdirSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';

/** The env var that moves the state root (keys, credentials, kubeconfig copies of a run). */
export const STATE_DIR_ENV = 'COCO_STATE_DIR';

/** Where runs keep what must not be uploaded with `--out`: $COCO_STATE_DIR, else /run/coco-conformance/state for
 *  root — /run is the host's runtime state (a tmpfs on most hosts, so a key left by a killed run does not outlive
 *  a reboot) — else a per-user folder in the system temp dir (/run is root's). */
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env[STATE_DIR_ENV]) return resolve(env[STATE_DIR_ENV]!);
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? '/run/coco-conformance/state' : join(tmpdir(), `coco-conformance-state-${uid}`);
}

/** The run's own folder under the state root. */
export function runStateDir(root: string, runId: string): string {
  return join(resolve(root), runId.replace(/[^A-Za-z0-9._-]+/g, '_'));
}

/** A state folder inside `--out` would be uploaded with it: refused, as text for a one-line usage error. */
export function stateFolderProblem(root: string, outDir: string): string | undefined {
  const inside = relative(resolve(outDir), resolve(root));
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside))) {
    return `the state folder ${resolve(root)} (${STATE_DIR_ENV}) lies inside --out ${resolve(outDir)}, which is uploaded: choose one outside it`;
  }
  return undefined;
}

/** Creates `dir` and any missing parent as 0700. chmod as well, because mkdir's mode passes through the umask and
 *  an existing folder keeps its mode. */
export function makePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Removes a cell's state folder and everything in it. */
export function removeStateFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Removes the run's folder once no cell left anything in it (a --keep-cluster cell keeps its kubeconfig). */
export function removeRunStateDirIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // never made (nothing ran) or already gone
  }
}
