import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { recordFileName } from '../../reporters/record-file.ts';

/** Where one cell's files go under the run's output folder. */
export interface CellWorkspace {
  /** Configs, keys, kubeconfig copies: the cell's private working folder. */
  workDir: string;
  /** Cluster and pod logs, exported before anything is destroyed. */
  logsDir: string;
  /** Test artifacts the suites attach. */
  artifactsDir: string;
  recordFile: string;
  suiteEnvFile: string;
  environmentFile: string;
  /** <out>/dry-run/<cell id>/ */
  dryRunDir: string;
  /** Name for a cluster the harness creates for this cell (kind wants it short and lower case). */
  clusterName: string;
}

export function cellWorkspace(outDir: string, cell: Cell, runId: string): CellWorkspace {
  const out = resolve(outDir);
  const safe = cell.id.replace(/[^A-Za-z0-9._-]+/g, '_');
  const workDir = join(out, 'work', safe);
  return {
    workDir,
    logsDir: join(out, 'logs', safe),
    artifactsDir: join(out, 'artifacts', safe),
    recordFile: join(out, recordFileName(cell.id, cell.runner, runId)),
    suiteEnvFile: join(workDir, 'suite-environment.json'),
    environmentFile: join(workDir, 'environment.json'),
    dryRunDir: join(out, 'dry-run', cell.id),
    clusterName: `coco-${createHash('sha256').update(cell.id).digest('hex').slice(0, 8)}`,
  };
}
