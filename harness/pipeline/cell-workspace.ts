import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { recordFileName } from '../../reporters/index.ts';

/** Where one cell's files go. Two places, on purpose: what a run produces for readers (record, logs, artifacts,
 *  dry-run scripts) goes under `--out`, the folder a nightly job uploads; what only the run itself may read (keys,
 *  credentials, kubeconfig copies with client keys, the trustee checkout holding key.bin and kbs.key) goes in the
 *  cell's private state folder, outside `--out`, removed when the cell ends (removeStateFolder). */
export interface CellWorkspace {
  /** The cell's private state folder (mode 0700, outside --out): every file a provider, the KBS deploy or a
   *  platform setup writes (configs, keys, credentials, kubeconfig copies). ProviderContext.workDir. */
  workDir: string;
  /** Cluster and pod logs, exported before anything is destroyed. */
  logsDir: string;
  /** Test artifacts the suites attach. */
  artifactsDir: string;
  recordFile: string;
  /** The suite environment names the admin key and credentials files, so it stays with them. */
  suiteEnvFile: string;
  /** Secrets the suites' workers register, shared with their reporter (COCO_SECRETS_FILE, lib/exec/redact.ts). */
  secretsFile: string;
  /** Environment facts: no secret in them, kept with the logs. */
  environmentFile: string;
  /** <out>/dry-run/<cell id>/ */
  dryRunDir: string;
  /** Name for a cluster the harness creates for this cell (kind wants it short and lower case). */
  clusterName: string;
}

/** `stateDir` is the run's state folder (`<state root>/<run id>`, see runStateDir). */
export function cellWorkspace(outDir: string, stateDir: string, cell: Cell, runId: string): CellWorkspace {
  const out = resolve(outDir);
  const safe = safeCellName(cell.id);
  const workDir = join(resolve(stateDir), safe);
  const logsDir = join(out, 'logs', safe);
  return {
    workDir,
    logsDir,
    artifactsDir: join(out, 'artifacts', safe),
    recordFile: join(out, recordFileName(cell.id, cell.runner, runId)),
    suiteEnvFile: join(workDir, 'suite-environment.json'),
    secretsFile: join(workDir, 'secrets'),
    environmentFile: join(logsDir, 'environment.json'),
    dryRunDir: join(out, 'dry-run', cell.id),
    clusterName: `coco-${createHash('sha256').update(cell.id).digest('hex').slice(0, 8)}`,
  };
}

function safeCellName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The env var that moves the state root (keys, credentials, kubeconfig copies of a run). */
const STATE_DIR_ENV = 'COCO_STATE_DIR';

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
