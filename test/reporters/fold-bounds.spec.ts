import { expect, test } from '@playwright/test';
import { RecordFold } from '../../reporters/merge-records.ts';
import type { ResultRecord } from '../../reporters/index.ts';

/** What a fold keeps and computes grows with its records, not with the span of their dates or a run's length. */

const TEST = { id: 'attestation/resource-released-allow-all', feature: 'attestation', project: 'tdx' } as const;

/** A record of runner r's one cell: the test passed, or (`planned`) was planned and never finished. */
function night(startedAt: string, runId: string, planned = false): ResultRecord {
  return {
    schemaVersion: 1, runId, runner: 'r', release: 'v0.21.0', environment: {}, doubles: [], startedAt, status: planned ? 'interrupted' : 'complete',
    cell: { id: 'v0.21.0/tdx/kubeadm-1.30/containerd/nydus', runner: 'r', release: 'v0.21.0', platform: 'tdx', arch: 'x86_64',
      cluster: { distro: 'kubeadm', kubernetes: '1.30' }, containerRuntime: 'containerd', pullMode: 'nydus', suites: [], required: true },
    planned: planned ? [TEST] : [],
    tests: planned ? [] : [{ ...TEST, variant: 'positive', title: 't', expected: { expect: 'pass', claim: 'supported' }, outcome: 'passed',
      durationMs: 1, retries: 0, artifacts: [], startedAt }],
  } as ResultRecord;
}

test('records at the two ends of the dates JavaScript reads: two nights, without memory for the days between', () => {
  const fold = new RecordFold();
  fold.add(night('-271821-04-20T00:00:00.000Z', 'first'));
  fold.add(night('+275760-09-13T00:00:00.000Z', 'last'));
  const before = process.memoryUsage().arrayBuffers;
  const merged = fold.result();
  // A table from the first day to the last held 200 million entries here: 800 MB.
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  expect(merged.runs.map((r) => [r.firstNight, r.lastNight, r.nights])).toEqual([['-271821-04-20', '+275760-09-13', 2]]);
  expect(merged.tests.map((t) => [t.id, t.outcome, t.night])).toEqual([[TEST.id, 'passed', '+275760-09-13']]);
});

test('a run of more nights than a call takes arguments, its test planned and never finished: every night, the test unfinished', () => {
  const fold = new RecordFold();
  const NIGHTS = 200_000;
  for (let i = 0; i < NIGHTS; i++) fold.add(night(new Date(Date.UTC(2000, 0, 1 + i)).toISOString(), `night-${i}`, true));
  const merged = fold.result();
  expect(merged.runs.map((r) => [r.firstNight, r.nights])).toEqual([['2000-01-01', NIGHTS]]);
  expect(merged.tests).toEqual([]);
  expect(merged.unfinished.map((t) => t.id)).toEqual([TEST.id]);
});
