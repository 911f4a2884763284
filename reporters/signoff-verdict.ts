import type { PlatformId } from '../matrix/vocabulary.ts';
import type { GridCell, PlatformColumn, SignoffVerdict } from './compatibility-report.ts';
import type { GridState } from './grid-state.ts';

/** The release sign-off, decided from the grid alone:
 *  - FAIL (exit 1) when any grid cell, on any platform, is FAIL (something failed unexpectedly, or passed where the
 *    release claims nothing) or LIMITATION-PASSED (a documented limitation no longer holds: the release notes may
 *    be out of date — to be looked at before the release goes out);
 *  - else INCONCLUSIVE (exit 3) when a required cell is NOT-RUN or INFRA-FAIL, or when nothing is required;
 *  - else PASS (exit 0).
 *  Required cells: every feature × platform the release claims `supported`, on a shipped platform in scope. The
 *  scope is every platform of the release unless `platforms` narrows it (e.g. to the platforms that have a
 *  required runner); a supported claim nobody ran is NOT-RUN, never a silent pass.
 *  Runs of a matrix cell marked `required: false` (and a developer's own runs) are reported, but judged never: a
 *  grid cell is judged on its required runs' tests alone, and one that only not-required runs reached is not
 *  judged at all. Either way a note names them, so nothing they found is lost.
 *  FLAKY counts as passed — a retry made it pass — but is listed in the notes so it is not forgotten. */
export function decideSignoff(grid: readonly GridCell[][], columns: readonly PlatformColumn[], platforms?: readonly PlatformId[]): SignoffVerdict {
  const scope = columns.filter((c) => c.shipped && (!platforms || platforms.includes(c.id))).map((c) => c.id);
  const failures: string[] = [];
  const gaps: string[] = [];
  const notes: string[] = [];
  const notRequiredNotes: string[] = [];
  let required = 0;
  for (const cell of grid.flat()) {
    const where = `${cell.feature} × ${cell.platform}`;
    const judged = judgedStateOf(cell);
    const note = notRequiredNote(cell, judged, where, cell.claim?.status === 'supported' && scope.includes(cell.platform));
    if (note) notRequiredNotes.push(note);
    if (!judged) continue;
    if (judged.state === 'FAIL') failures.push(`FAIL ${where}: ${judged.summary}`);
    if (judged.state === 'LIMITATION-PASSED') failures.push(`LIMITATION-PASSED ${where}: ${judged.summary}`);
    if (judged.state === 'FLAKY') notes.push(`FLAKY ${where}: ${judged.summary}`);
    if (cell.claim?.status !== 'supported' || !scope.includes(cell.platform)) continue;
    required++;
    if (judged.state === 'NOT-RUN' || judged.state === 'INFRA-FAIL') gaps.push(`${judged.state} ${where}: ${judged.summary}`);
  }
  const outOfScope = columns.filter((c) => c.shipped && c.claimed && !scope.includes(c.id)).map((c) => c.id);
  if (outOfScope.length) notes.push(`not in sign-off scope: ${outOfScope.join(', ')}`);
  notes.push(...notRequiredNotes);
  if (required === 0) gaps.push('nothing to sign off: no supported claim on a shipped platform in scope (or only cells not required for sign-off ran them)');
  const reasons = [...failures, ...gaps];
  if (failures.length) return { verdict: 'FAIL', exitCode: 1, reasons, notes, scope };
  if (gaps.length) return { verdict: 'INCONCLUSIVE', exitCode: 3, reasons, notes, scope };
  return { verdict: 'PASS', exitCode: 0, reasons: [], notes, scope };
}

/** What the sign-off judges of a grid cell: its state, or the state of its required runs alone; undefined when
 *  only runs not required for sign-off reached it. */
export function judgedStateOf(cell: GridCell): { state: GridState; summary: string } | undefined {
  return cell.notRequired ? cell.notRequired.judged : { state: cell.state, summary: cell.summary };
}

/** True when the state the grid shows is not the one the sign-off judges: cells not required for sign-off made it. */
export function shownStateNotJudged(cell: GridCell): boolean {
  return cell.notRequired !== undefined && cell.notRequired.judged?.state !== cell.state;
}

/** A note for what the sign-off did not judge: a state that would have counted, or a claim it would have had to see
 *  passing. A limitation holding on a not-required cell is not worth a line. */
function notRequiredNote(cell: GridCell, judged: { state: GridState } | undefined, where: string, wouldBeRequired: boolean): string | undefined {
  if (!cell.notRequired) return undefined;
  const runs = cell.notRequired.runs.join(', ');
  const healthy = cell.state === 'PASS' || cell.state === 'KNOWN-LIMITATION' || cell.state === 'N/A';
  if (!judged) {
    return healthy && !wouldBeRequired ? undefined : `not judged: ${where} ran only on cells not required for sign-off (${runs}): ${cell.state}: ${cell.summary}`;
  }
  if (judged.state === cell.state) return undefined;
  return `not judged: ${cell.state} ${where} comes from cells not required for sign-off (${runs}): ${cell.summary}; the required cells alone are ${judged.state}`;
}
