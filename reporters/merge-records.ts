import type { ResultRecord, TestRecord } from './result-record.ts';
import type { MergedResults, MergedRun, MergedTest, UnfinishedTest } from './merged-results.ts';
import { decidingAttempt, mergeOutcomes } from './merge-outcomes.ts';

/** Folds any number of records into runs (runner + cell id) and tests (run + project + test id). Records are taken
 *  oldest first by start time, so "newest wins" does not depend on the order files were named in. Pure. */
export function mergeRecords(records: readonly ResultRecord[]): MergedResults {
  const ordered = [...records].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
  const runs = new Map<string, MergedRun>();
  const attempts = new Map<string, { runKey: string; record: ResultRecord; test: TestRecord }[]>();
  const planned = new Map<string, UnfinishedTest>();
  for (const record of ordered) {
    const runKey = `${record.runner}|${record.cell.id}`;
    runs.set(runKey, foldRun(runs.get(runKey), record, runKey));
    for (const p of record.planned ?? []) {
      planned.set(`${runKey}|${p.project}|${p.id}`, { runKey, runner: record.runner, platform: record.cell.platform, ...p });
    }
    for (const test of record.tests) {
      const key = `${runKey}|${test.project}|${test.id}`;
      const list = attempts.get(key) ?? [];
      list.push({ runKey, record, test });
      attempts.set(key, list);
    }
  }
  const tests = [...attempts.values()].map(mergeTest);
  tests.sort((a, b) => a.platform.localeCompare(b.platform) || a.feature.localeCompare(b.feature) ||
    a.id.localeCompare(b.id) || a.runKey.localeCompare(b.runKey) || a.project.localeCompare(b.project));
  const unfinished = [...planned.entries()].filter(([key]) => !attempts.has(key)).map(([, u]) => u)
    .sort((a, b) => `${a.runKey}|${a.id}`.localeCompare(`${b.runKey}|${b.id}`));
  return { runs: [...runs.values()].sort((a, b) => a.key.localeCompare(b.key)), tests, unfinished };
}

function foldRun(previous: MergedRun | undefined, record: ResultRecord, key: string): MergedRun {
  const run: MergedRun = {
    key,
    runner: record.runner,
    cell: record.cell,
    platform: record.cell.platform,
    status: record.status,
    runIds: [...(previous?.runIds ?? []), record.runId],
    startedAt: record.startedAt,
    environment: record.environment,
    doubles: [...new Set([...(previous?.doubles ?? []), ...record.doubles])],
    runErrors: [...(previous?.runErrors ?? []), ...(record.runErrors ?? [])],
    unclassifiedTests: [...(previous?.unclassifiedTests ?? []), ...(record.unclassifiedTests ?? [])],
  };
  if (record.endedAt) run.endedAt = record.endedAt;
  if (record.infraError) run.infraError = record.infraError;
  return run;
}

function mergeTest(list: { runKey: string; record: ResultRecord; test: TestRecord }[]): MergedTest {
  const history = list.map((a) => a.test.outcome);
  const outcome = mergeOutcomes(history);
  const decider = list[decidingAttempt(history, outcome)]!;
  const newest = list.at(-1)!;
  const t = decider.test;
  const merged: MergedTest = {
    runKey: decider.runKey,
    runner: decider.record.runner,
    cellId: decider.record.cell.id,
    platform: decider.record.cell.platform,
    id: t.id,
    feature: t.feature,
    variant: t.variant,
    title: t.title,
    project: t.project,
    // The newest record knows the newest claim (a profile fix between reruns must win).
    expected: newest.test.expected,
    outcome,
    history,
    retries: list.reduce((sum, a) => sum + a.test.retries, 0),
    durationMs: t.durationMs,
    artifacts: [...new Set(list.flatMap((a) => a.test.artifacts))],
    runIds: list.map((a) => a.record.runId),
  };
  if (t.error) merged.error = t.error;
  if (t.skipReason) merged.skipReason = t.skipReason;
  const nonDiscriminating = newest.test.nonDiscriminating ?? t.nonDiscriminating;
  if (nonDiscriminating) merged.nonDiscriminating = nonDiscriminating;
  if (newest.test.failureSignature) merged.failureSignature = newest.test.failureSignature;
  return merged;
}
