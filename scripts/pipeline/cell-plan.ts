import type { Cell } from '../../matrix/cell.ts';
import { expectedOutcome } from '../../matrix/derive-expected-outcome.ts';
import type { PlannedTest } from '../../matrix/plan-cells.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import { TEST_CATALOG } from '../../matrix/test-catalog.ts';

/** The tests a cell runs — its suites' catalog tests, or only the given ids of a rerun — each with what it is
 *  expected to do there. The same derivation as `plan` (matrix/plan-cells.ts), so a run does what the plan said. */
export function planCellTests(cell: Cell, profile: ReleaseProfile, testIds?: readonly string[]): PlannedTest[] {
  return TEST_CATALOG
    .filter((test) => cell.suites.includes(test.feature) && (!testIds || testIds.includes(test.id)))
    .map((test) => ({ id: test.id, feature: test.feature, variant: test.variant, outcome: expectedOutcome(profile, cell.platform, test, cell.pullMode) }));
}

/** Why a cell has nothing to run, when every one of its tests is expected to skip (a platform the release does not
 *  ship: every test carries the profile's note). Such a cell is neither provisioned nor installed: that would only
 *  be slow and could fail for reasons that say nothing about the release. */
export function cellSkipReason(planned: readonly PlannedTest[]): string | undefined {
  if (!planned.length || planned.some((test) => test.outcome.expect !== 'skip')) return undefined;
  return [...new Set(planned.map((test) => test.outcome.reason ?? 'skipped'))].join('; ');
}
