import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { recordFileName } from '../../reporters/record-file.ts';

/** Where one cell's files go. Two places, on purpose: what a run produces for readers (record, logs, artifacts,
 *  dry-run scripts) goes under `--out`, the folder a nightly job uploads; what only the run itself may read (keys,
 *  credentials, kubeconfig copies with client keys, the trustee checkout holding key.bin and kbs.key) goes in the
 *  cell's private state folder, outside `--out`, which teardown removes (scripts/pipeline/state-folder.ts). */
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
  /** Secrets the suites' workers register, shared with their reporter (COCO_SECRETS_FILE, scripts/exec/redact.ts). */
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
