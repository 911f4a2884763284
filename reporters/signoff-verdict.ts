import { CONTROL_PLATFORM, type PlatformId } from '../matrix/vocabulary.ts';
import type { GridCell, PlatformColumn, ReasonCell, SignoffVerdict } from './compatibility-report.ts';
import { FAILING_OUTCOMES, type GridState } from './grid-state.ts';

/** The release sign-off, decided from the grid alone, over the platforms in scope:
 *  - FAIL (exit 1) when any grid cell of a platform in scope is FAIL (something failed unexpectedly, or passed where the
 *    release claims nothing) or LIMITATION-PASSED (a documented limitation no longer holds: the release notes may
 *    be out of date — to be looked at before the release goes out);
 *  - else INCONCLUSIVE (exit 3) when a required cell is NOT-RUN or INFRA-FAIL, or when nothing is required;
 *  - else PASS (exit 0).
 *  Required cells: every feature × platform the release claims `supported`, on a shipped platform in scope. The
 *  scope is every shipped platform but `control` unless `platforms` names them (e.g. a TDX-only sign-off): a SEV
 *  failure does not fail a TDX-only sign-off, and the control platform (runc, where the release claims nothing)
 *  counts only when named. What failed out of scope is a note, never dropped. A supported claim nobody ran is
 *  NOT-RUN, never a silent pass.
 *  Runs of a matrix cell marked `required: false` (and a developer's own runs) are reported, but judged never: a
 *  grid cell is judged on its required runs' tests alone, and one that only not-required runs reached is not
 *  judged at all. Either way a note names them, so nothing they found is lost.
 *  FLAKY counts as passed — a retry made it pass — but is listed in the notes so it is not forgotten. */
export function decideSignoff(grid: readonly GridCell[][], columns: readonly PlatformColumn[], platforms?: readonly PlatformId[]): SignoffVerdict {
  const scope = columns.filter((c) => c.shipped && (platforms ? platforms.includes(c.id) : c.id !== CONTROL_PLATFORM)).map((c) => c.id);
  const failures: Reason[] = [];
  const gaps: Reason[] = [];
  const notes: string[] = [];
  const notRequiredNotes: string[] = [];
  const outOfScopeFailures: string[] = [];
  let required = 0;
  for (const cell of grid.flat()) {
    const where = `${cell.feature} × ${cell.platform}`;
    const judged = judgedStateOf(cell);
    const note = notRequiredNote(cell, judged, where, cell.claim?.status === 'supported' && scope.includes(cell.platform));
    if (note) notRequiredNotes.push(note);
    if (!judged) continue;
    const inScope = scope.includes(cell.platform);
    if (judged.state === 'FAIL' || judged.state === 'LIMITATION-PASSED') {
      const reason = reasonOf(cell, judged, where);
      if (inScope) failures.push(reason);
      else outOfScopeFailures.push(reason.text);
    }
    if (judged.state === 'FLAKY' && inScope) notes.push(`FLAKY ${where}: ${judged.summary}`);
    if (cell.claim?.status !== 'supported' || !inScope) continue;
    required++;
    if (judged.state === 'NOT-RUN' || judged.state === 'INFRA-FAIL') gaps.push(reasonOf(cell, judged, where));
  }
  const outOfScope = columns.filter((c) => c.shipped && c.claimed && !scope.includes(c.id)).map((c) => c.id);
  if (outOfScope.length) notes.push(`not in sign-off scope: ${outOfScope.join(', ')}`);
  notes.push(...outOfScopeFailures.map((f) => `not in sign-off scope, not judged: ${f}`));
  notes.push(...notRequiredNotes);
  if (required === 0) gaps.push({ text: 'nothing to sign off: no supported claim on a shipped platform in scope (or only cells not required for sign-off ran them)', cell: null });
  const all = [...failures, ...gaps];
  const reasons = all.map((r) => r.text);
  const reasonCells = all.map((r) => r.cell);
  if (failures.length) return { verdict: 'FAIL', exitCode: 1, reasons, reasonCells, notes, scope };
  if (gaps.length) return { verdict: 'INCONCLUSIVE', exitCode: 3, reasons, reasonCells, notes, scope };
  return { verdict: 'PASS', exitCode: 0, reasons: [], reasonCells: [], notes, scope };
}

interface Reason {
  text: string;
  cell: ReasonCell | null;
}

/** A reason names who saw it: the runners whose judged tests failed (or, for a gap, those that reported anything
 *  or failed on infrastructure), and for a failure the first night of the cell's current failing streak. */
function reasonOf(cell: GridCell, judged: { state: GridState; summary: string }, where: string): Reason {
  const tests = cell.notRequired ? cell.tests.filter((t) => t.required) : cell.tests;
  const failing = judged.state === 'FAIL' || judged.state === 'LIMITATION-PASSED';
  const bad = failing ? tests.filter((t) => FAILING_OUTCOMES.has(t.outcome)) : tests;
  const runners = [...new Set(bad.map((t) => t.runner))].sort();
  const since = failing ? cell.history.failureStreak?.firstNight : undefined;
  const said = [runners.length ? `runner(s): ${runners.join(', ')}` : '', since ? `failing since ${since}` : ''].filter(Boolean).join('; ');
  const text = `${judged.state} ${where}: ${judged.summary}${said ? ` (${said})` : ''}`;
  return { text, cell: { feature: cell.feature, platform: cell.platform, runners, ...(since ? { firstFailingNight: since } : {}) } };
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
