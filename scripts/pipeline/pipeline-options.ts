import type { Cell } from '../../matrix/cell.ts';
import type { Progress } from './progress.ts';

export interface PipelineOptions {
  runId: string;
  outDir: string;
  /** The run's private state folder, outside outDir (state-folder.ts runStateDir): each cell's keys, credentials
   *  and kubeconfig copies live in a subfolder that teardown removes. */
  stateDir: string;
  keepCluster: boolean;
  dryRun: boolean;
  /** A KBS run elsewhere (`--kbs-url`, `--kbs-admin-key`): nothing is deployed. */
  externalKbs?: { url: string; adminKeyFile: string };
  /** For `--rerun-failed`: per cell id, the test ids to run again. */
  testIds?: Map<string, string[]>;
  /** Aborted by the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  progress: Progress;
  log(line: string): void;
}

/** How one cell ended. */
export interface CellResult {
  cell: Cell;
  /** skipped: every test of the cell is expected to skip (a platform the release does not ship); nothing ran. */
  status: 'complete' | 'infra-error' | 'interrupted' | 'skipped' | 'dry-run';
  recordFile?: string;
  failedStep?: string;
  error?: string;
  /** Why a skipped cell had nothing to run (the profile's note). */
  skipReason?: string;
  /** Interrupted: the planned tests that never finished. */
  unfinished?: string[];
  /** --keep-cluster: the state folder left behind on purpose (it holds the kubeconfig). */
  keptStateDir?: string;
  /** Playwright's exit code (1 when a test had an unexpected result). */
  suitesExitCode?: number | null;
  dryRunFiles?: string[];
}
