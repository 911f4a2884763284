import type { PlatformId } from '../matrix/vocabulary.ts';
import type { GridCell, PlatformColumn, SignoffVerdict } from './compatibility-report.ts';

/** The release sign-off, decided from the grid alone:
 *  - FAIL (exit 1) when any grid cell, on any platform, is FAIL (something failed unexpectedly, or passed where the
 *    release claims nothing) or LIMITATION-PASSED (a documented limitation no longer holds: the release notes may
 *    be out of date — to be looked at before the release goes out);
 *  - else INCONCLUSIVE (exit 3) when a required cell is NOT-RUN or INFRA-FAIL, or when nothing is required;
 *  - else PASS (exit 0).
 *  Required cells: every feature × platform the release claims `supported`, on a shipped platform in scope. The
 *  scope is every platform of the release unless `platforms` narrows it (e.g. to the platforms that have a
 *  required runner); a supported claim nobody ran is NOT-RUN, never a silent pass.
 *  FLAKY counts as passed — a retry made it pass — but is listed in the notes so it is not forgotten. */
export function decideSignoff(grid: readonly GridCell[][], columns: readonly PlatformColumn[], platforms?: readonly PlatformId[]): SignoffVerdict {
  const scope = columns.filter((c) => c.shipped && (!platforms || platforms.includes(c.id))).map((c) => c.id);
  const failures: string[] = [];
  const gaps: string[] = [];
  const notes: string[] = [];
  let required = 0;
  for (const cell of grid.flat()) {
    const where = `${cell.feature} × ${cell.platform}`;
    if (cell.state === 'FAIL') failures.push(`FAIL ${where}: ${cell.summary}`);
    if (cell.state === 'LIMITATION-PASSED') failures.push(`LIMITATION-PASSED ${where}: ${cell.summary}`);
    if (cell.state === 'FLAKY') notes.push(`FLAKY ${where}: ${cell.summary}`);
    if (cell.claim?.status !== 'supported' || !scope.includes(cell.platform)) continue;
    required++;
    if (cell.state === 'NOT-RUN' || cell.state === 'INFRA-FAIL') gaps.push(`${cell.state} ${where}: ${cell.summary}`);
  }
  const outOfScope = columns.filter((c) => c.shipped && c.claimed && !scope.includes(c.id)).map((c) => c.id);
  if (outOfScope.length) notes.push(`not in sign-off scope: ${outOfScope.join(', ')}`);
  if (required === 0) gaps.push('nothing to sign off: no supported claim on a shipped platform in scope');
  const reasons = [...failures, ...gaps];
  if (failures.length) return { verdict: 'FAIL', exitCode: 1, reasons, notes, scope };
  if (gaps.length) return { verdict: 'INCONCLUSIVE', exitCode: 3, reasons, notes, scope };
  return { verdict: 'PASS', exitCode: 0, reasons: [], notes, scope };
}
