import { OUTCOMES, type Outcome } from './result-record.ts';

/** The outcomes of a test that ran (not skipped, not stopped by the infrastructure before it ran). */
export const RAN_OUTCOMES: ReadonlySet<Outcome> = new Set(['passed', 'failed', 'expected-failure', 'failed-wrong-reason', 'unexpected-pass', 'flaky']);

/** How many tests had each outcome: every outcome, in OUTCOMES order, or (`sparse`) only those met, in the order
 *  they are first met. */
export function countOutcomes(tests: readonly { outcome: Outcome }[], sparse = false): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const o of OUTCOMES) if (!sparse) counts[o] = 0;
  for (const t of tests) counts[t.outcome] = (counts[t.outcome] ?? 0) + 1;
  return counts;
}

/** Folds the outcomes of one test over several records of the same cell (oldest first) into one outcome:
 *  1. Attempts that did not run the test (skipped, infra-error) are no evidence when another attempt ran it.
 *  2. A failure and a pass (or flaky) among the runs → flaky: the failure is not hidden, the pass is not lost.
 *  3. An expected failure and an unexpected pass → unexpected-pass: a limitation that passed even once has to be
 *     looked at (the release notes may be out of date).
 *  4. Otherwise the newest attempt wins: among runs when any ran, else the newest skip / infra error. */
export function mergeOutcomes(history: readonly Outcome[]): Outcome {
  if (history.length === 0) throw new Error('mergeOutcomes needs at least one outcome');
  const ran = history.filter((o) => RAN_OUTCOMES.has(o));
  if (ran.length === 0) return history.at(-1)!;
  const has = (o: Outcome) => ran.includes(o);
  if (has('failed') && (has('passed') || has('flaky'))) return 'flaky';
  // An expected failure that once failed for the wrong reason is not proven to fail for the right one.
  if (has('failed-wrong-reason')) return 'failed-wrong-reason';
  if (has('expected-failure') && has('unexpected-pass')) return 'unexpected-pass';
  return ran.at(-1)!;
}

/** Which attempt's details (error, duration, skip reason) describe the merged outcome. Index into history. */
export function decidingAttempt(history: readonly Outcome[], merged: Outcome): number {
  const wanted: Outcome[] = merged === 'flaky' ? ['failed', 'flaky'] : [merged];
  for (let i = history.length - 1; i >= 0; i--) if (wanted.includes(history[i]!)) return i;
  return history.length - 1;
}
