import type { Cell } from '../../matrix/cell.ts';
import type { Progress } from './progress.ts';

export interface PipelineOptions {
  runId: string;
  outDir: string;
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
  status: 'complete' | 'infra-error' | 'interrupted' | 'dry-run';
  recordFile?: string;
  failedStep?: string;
  error?: string;
  /** Playwright's exit code (1 when a test had an unexpected result). */
  suitesExitCode?: number | null;
  dryRunFiles?: string[];
}
