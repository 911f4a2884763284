import type { Cell, RunnerMatrix, RunnerSpec, RunSpec } from './cell.ts';
import { cellId } from './cell-id.ts';
import { InputError } from './input-error.ts';
import { encodedPlatformIds } from './load-release-profile.ts';
import { DEFAULT_RUNTIME_VARIANT } from './runtime-variant.ts';
import { FEATURES, type Feature } from './vocabulary.ts';

/** Narrows the cells of a matrix: to one runner, one cell id, one platform, and/or some feature suites. */
export interface CellFilter {
  runner?: string;
  cell?: string;
  platform?: string;
  suites?: string[];
}

/** Every cell of the matrix, in the order it lists runners and runs, narrowed by `filter`. A filter value that
 *  matches nothing is an InputError that names what exists, so a typo never runs an empty plan. */
export function expandCells(matrix: RunnerMatrix, filter: CellFilter = {}): Cell[] {
  const all = matrix.runners.flatMap((runner) => runner.runs.flatMap((run) => cellsOfRun(runner, run)));
  rejectDuplicateIds(matrix, all);
  const problem = (text: string) => new InputError(matrix.file, 'runners', text);

  if (filter.runner !== undefined && !matrix.runners.some((r) => r.name === filter.runner)) {
    throw problem(`no runner named ${JSON.stringify(filter.runner)} (runners: ${matrix.runners.map((r) => r.name).join(', ')})`);
  }
  if (filter.platform !== undefined && !encodedPlatformIds().includes(filter.platform)) {
    throw problem(`unknown platform ${JSON.stringify(filter.platform)} (expected one of: ${encodedPlatformIds().join(', ')})`);
  }
  const unknownSuite = filter.suites?.find((suite) => !(FEATURES as readonly string[]).includes(suite));
  if (unknownSuite !== undefined) {
    throw problem(`unknown suite ${JSON.stringify(unknownSuite)} (expected one of: ${FEATURES.join(', ')})`);
  }
  if (filter.cell !== undefined && !all.some((c) => c.id === filter.cell)) {
    throw problem(`no cell ${JSON.stringify(filter.cell)} (cells: ${all.map((c) => c.id).join(', ')})`);
  }

  const wanted = filter.suites as Feature[] | undefined;
  const selected = all
    .filter((c) => filter.runner === undefined || c.runner === filter.runner)
    .filter((c) => filter.cell === undefined || c.id === filter.cell)
    .filter((c) => filter.platform === undefined || c.platform === filter.platform)
    .map((c) => (wanted ? { ...c, suites: c.suites.filter((suite) => wanted.includes(suite)) } : c))
    .filter((c) => c.suites.length > 0);
  if (selected.length === 0) throw problem(`no cell matches ${describeFilter(filter)}`);
  return selected;
}

/** The cells one run of a runner stands for: every release × runtime variant × pull mode, in the order the matrix
 *  lists them. */
export function cellsOfRun(runner: RunnerSpec, run: RunSpec): Cell[] {
  const variants = run.runtimeVariants ?? [DEFAULT_RUNTIME_VARIANT];
  return run.releases.flatMap((release) => variants.flatMap((variant) => {
    const runtimeVariant = variant === DEFAULT_RUNTIME_VARIANT ? undefined : variant;
    return run.pullModes.map((pullMode) => ({
      id: cellId(release, runner.platform, run.cluster, run.containerRuntime, pullMode, runtimeVariant),
      runner: runner.name,
      release,
      platform: runner.platform,
      arch: runner.arch,
      cluster: run.cluster,
      containerRuntime: run.containerRuntime,
      pullMode,
      ...(runtimeVariant ? { runtimeVariant } : {}),
      suites: [...(run.suites ?? FEATURES)],
      required: run.required ?? true,
    }));
  }));
}

function rejectDuplicateIds(matrix: RunnerMatrix, cells: Cell[]): void {
  const seen = new Set<string>();
  for (const cell of cells) {
    const key = `${cell.runner} ${cell.id}`;
    if (seen.has(key)) throw new InputError(matrix.file, 'runners', `duplicate cell id ${JSON.stringify(cell.id)} of runner ${cell.runner}`);
    seen.add(key);
  }
}

function describeFilter(filter: CellFilter): string {
  const parts = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${Array.isArray(value) ? value.join(',') : value}`);
  return parts.length ? parts.join(', ') : 'the matrix';
}
