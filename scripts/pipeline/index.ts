export { runCells, runExitCode } from './run-pipeline.ts';
export { runCell } from './cell-pipeline.ts';
export { defaultPipelineDeps, type PipelineDeps, type DryRunSuitesInput } from './pipeline-deps.ts';
export type { PipelineOptions, CellResult } from './pipeline-options.ts';
export { registerPlatformSetup, platformSetupFor, clearPlatformSetups, type PlatformSetup, type PlatformSetupContext, type PreparedPlatform } from './platform-setup.ts';
export { Progress } from './progress.ts';
export { guardSignals, InterruptedError, type SignalGuard } from './signals.ts';
export { failedSelection, type RerunSelection } from './rerun-failed.ts';
export { cellWorkspace, type CellWorkspace } from './cell-workspace.ts';
