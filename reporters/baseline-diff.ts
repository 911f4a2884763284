import type { Outcome } from './result-record.ts';
import type { MergedTest } from './merged-results.ts';
import type { BaselineDiff, DiffEntry, TestClass } from './compatibility-report.ts';

/** good: the test did what the release claims (passed, an expected failure, or flaky — it passed in the end);
 *  bad: it did not (failed, failed-wrong-reason, unexpected-pass); none: it did not run (skipped, infra-error). */
export function classOf(outcome: Outcome): TestClass {
  if (outcome === 'failed' || outcome === 'failed-wrong-reason' || outcome === 'unexpected-pass') return 'bad';
  if (outcome === 'skipped' || outcome === 'infra-error') return 'none';
  return 'good';
}

/** Compares tests by platform + test id, runners folded (the worst class wins: a test broken on one runner is
 *  broken). newly broken: good → bad; newly passing: bad → good; newly covered: absent/none → ran;
 *  no longer covered: ran → absent/none. Pure; entries sorted by platform, feature, test id. */
export function diffAgainstBaseline(current: readonly MergedTest[], baseline: readonly MergedTest[], baselineRecords: number): BaselineDiff {
  const now = foldByTest(current);
  const before = foldByTest(baseline);
  const diff: BaselineDiff = { records: baselineRecords, newlyBroken: [], newlyPassing: [], newlyCovered: [], noLongerCovered: [] };
  for (const key of [...new Set([...now.keys(), ...before.keys()])].sort()) {
    const a = before.get(key);
    const b = now.get(key);
    const sample = (b ?? a)!.test;
    const entry: DiffEntry = {
      platform: sample.platform,
      feature: sample.feature,
      testId: sample.id,
      before: a?.test.outcome ?? 'absent',
      after: b?.test.outcome ?? 'absent',
    };
    const from = a?.cls ?? 'none';
    const to = b?.cls ?? 'none';
    if (from === 'good' && to === 'bad') diff.newlyBroken.push(entry);
    else if (from === 'bad' && to === 'good') diff.newlyPassing.push(entry);
    else if (from === 'none' && to !== 'none') diff.newlyCovered.push(entry);
    else if (from !== 'none' && to === 'none') diff.noLongerCovered.push(entry);
  }
  return diff;
}

const RANK: Record<TestClass, number> = { bad: 2, good: 1, none: 0 };

function foldByTest(tests: readonly MergedTest[]): Map<string, { cls: TestClass; test: MergedTest }> {
  const out = new Map<string, { cls: TestClass; test: MergedTest }>();
  for (const test of tests) {
    const key = `${test.platform}|${test.feature}|${test.id}`;
    const cls = classOf(test.outcome);
    const seen = out.get(key);
    if (!seen || RANK[cls] > RANK[seen.cls]) out.set(key, { cls, test });
  }
  return out;
}
