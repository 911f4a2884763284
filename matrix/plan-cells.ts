import type { Cell, RunnerMatrix } from './cell.ts';
import { expectedOutcome } from './derive-expected-outcome.ts';
import { expandCells, type CellFilter } from './expand-cells.ts';
import type { ExpectedOutcome } from './expected-outcome.ts';
import { DEFAULT_RELEASES_DIR } from './load-release-profile.ts';
import { loadRunnerMatrixWithProfiles } from './load-runner-matrix.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { profileForCell } from './runtime-variant.ts';
import { TEST_CATALOG } from './test-catalog.ts';
import type { Feature, Variant } from './vocabulary.ts';
import { sourcePath } from './source-root.ts';

/** The embedded default matrix: one local runner on the control platform. */
export const DEFAULT_MATRIX_FILE = sourcePath('matrix/local.yaml');

export interface PlannedTest {
  id: string;
  feature: Feature;
  variant: Variant;
  outcome: ExpectedOutcome;
}

/** A cell with the tests its suites hold and what each is expected to do there. */
export interface PlannedCell {
  cell: Cell;
  tests: PlannedTest[];
  counts: Record<ExpectedOutcome['expect'], number>;
}

/** Loads a matrix (and the release profiles it names), expands and filters its cells, and derives every test's
 *  expected outcome: what `plan` prints and what `run` executes. */
export function planCells(
  matrixFile: string = DEFAULT_MATRIX_FILE,
  filter: CellFilter = {},
  releasesDir: string = DEFAULT_RELEASES_DIR,
): { matrix: RunnerMatrix; cells: PlannedCell[]; profiles: ReadonlyMap<string, ReleaseProfile> } {
  const { matrix, profiles } = loadRunnerMatrixWithProfiles(matrixFile, releasesDir);
  const cells = expandCells(matrix, filter).map((cell) => {
    const profile = profiles.get(cell.release);
    if (!profile) throw new Error(`failed to plan cell ${cell.id}: release ${cell.release} was not loaded`);
    const tests = planCellTests(cell, profile);
    const counts = { pass: 0, fail: 0, skip: 0 };
    for (const test of tests) counts[test.outcome.expect] += 1;
    return { cell, tests, counts };
  });
  return { matrix, cells, profiles };
}

/** The tests a cell runs — its suites' catalog tests, or only the given ids of a rerun — each with what it is
 *  expected to do there: what `plan` prints and what `run` executes. */
export function planCellTests(cell: Cell, profile: ReleaseProfile, testIds?: readonly string[]): PlannedTest[] {
  const seen = profileForCell(profile, cell);
  return TEST_CATALOG
    .filter((test) => cell.suites.includes(test.feature) && (!testIds || testIds.includes(test.id)))
    .map((test) => ({ id: test.id, feature: test.feature, variant: test.variant, outcome: expectedOutcome(seen, cell.platform, test, cell.pullMode) }));
}
