import type { PlannedTest } from '../../matrix/plan-cells.ts';

/** Why a cell has nothing to run, when every one of its tests is expected to skip (a platform the release does not
 *  ship: every test carries the profile's note). Such a cell is neither provisioned nor installed: that would only
 *  be slow and could fail for reasons that say nothing about the release. */
export function cellSkipReason(planned: readonly PlannedTest[]): string | undefined {
  if (!planned.length || planned.some((test) => test.outcome.expect !== 'skip')) return undefined;
  return [...new Set(planned.map((test) => test.outcome.reason ?? 'skipped'))].join('; ');
}
