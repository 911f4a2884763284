import { OUTCOMES, type Outcome, type ResultRecord, type TestRecord } from './result-record.ts';
import type { MergedResults, MergedRun, MergedTest, NightOutcome, TestNights, UnfinishedTest } from './merged-results.ts';
import type { Feature } from '../matrix/vocabulary.ts';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import { decidingAttempt, mergeOutcomes } from './merge-outcomes.ts';

const DAY_MS = 86_400_000;
/** An attempt's code is `outcome index + OUTCOME_COUNT × expectation index`: what it did and what it was expected
 *  to do, in one number. */
const OUTCOME_COUNT = OUTCOMES.length;

/** Folds result records into runs (runner + cell id), tests (run + project + test id) and their nights, one record
 *  at a time, so a year of records never has to be in memory at once: a record's tests are folded and the record is
 *  dropped. What is kept per test is its newest night in full (the attempts that decide its current state) and, for
 *  every older night, four numbers. A night is the UTC date a record started on; the records of one night are
 *  reruns and fold as such (a failure and a pass make it flaky). The result does not depend on the order records
 *  are added in: attempts are ordered by start time, then run id. */
export class RecordFold {
  private readonly runs = new Map<string, RunTrack>();
  private readonly runIdOf: string[] = [];
  private readonly days = new Set<number>();
  private readonly warnings: string[] = [];
  /** Each distinct expected outcome once (records repeat the same few night after night). */
  private readonly expectations: ExpectedOutcome[] = [];
  private readonly expectationIndex = new Map<string, number>();

  /** Records folded so far. */
  get records(): number {
    return this.runIdOf.length;
  }

  /** `source` names the record in a warning (its file). */
  add(record: ResultRecord, source?: string): void {
    const startedMs = Date.parse(record.startedAt);
    if (Number.isNaN(startedMs)) {
      this.warnings.push(`${source ?? `record ${record.runId}`}: startedAt "${record.startedAt}" is not a date, so its night is unknown; skipped`);
      return;
    }
    const day = Math.floor(startedMs / DAY_MS);
    this.days.add(day);
    const seq = this.runIdOf.push(record.runId) - 1;
    const meta: RecordMeta = {
      seq, startedMs, runId: record.runId, startedAt: record.startedAt, cell: record.cell, status: record.status,
      environment: record.environment, doubles: record.doubles, runErrors: record.runErrors ?? [], unclassifiedTests: record.unclassifiedTests ?? [],
    };
    if (record.endedAt) meta.endedAt = record.endedAt;
    if (record.infraError) meta.infraError = record.infraError;
    if (record.imported) meta.imported = record.imported;

    const runKey = `${record.runner}|${record.cell.id}`;
    let run = this.runs.get(runKey);
    if (!run) {
      run = { key: runKey, runner: record.runner, newestDay: day, newestRecords: [], days: new Set(), tests: new Map(), lastPlanned: [], lastTests: [] };
      this.runs.set(runKey, run);
    }
    run.days.add(day);
    if (day > run.newestDay) {
      run.newestDay = day;
      run.newestRecords = [];
    }
    if (day === run.newestDay) run.newestRecords.push(meta);

    // The records of one run list their tests in the same order night after night: the track at the same place
    // last time is tried before the maps.
    const planned = record.planned ?? [];
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      const track = sameTrack(run.lastPlanned[i], p.project, p.id) ?? (run.lastPlanned[i] = trackOf(run, p.project, p.id, p.feature));
      if (track.plannedDays[track.plannedDays.length - 1] !== day) track.plannedDays.push(day);
    }
    for (let i = 0; i < record.tests.length; i++) {
      const test = record.tests[i]!;
      const track = sameTrack(run.lastTests[i], test.project, test.id) ?? (run.lastTests[i] = trackOf(run, test.project, test.id, test.feature));
      track.feature = test.feature;
      track.days.push(day);
      track.startedMs.push(startedMs);
      track.seqs.push(seq);
      track.codes.push(OUTCOME_INDEX.get(test.outcome)! + OUTCOME_COUNT * this.expectationOf(test.expected, track));
      if (day > track.newestDay) {
        track.newestDay = day;
        track.attempts = [];
      }
      if (day === track.newestDay) track.attempts.push({ test, meta });
    }
  }

  /** The index of `expected`. A test is mostly expected the same as in its run's record before, so that one is compared
   *  first (a few short strings) before the expectation is written out as a key. */
  private expectationOf(expected: ExpectedOutcome, track: TestTrack): number {
    const last = track.codes.length ? Math.floor(track.codes[track.codes.length - 1]! / OUTCOME_COUNT) : -1;
    if (last >= 0 && sameJsonValue(this.expectations[last], expected)) return last;
    const key = JSON.stringify(expected);
    let index = this.expectationIndex.get(key);
    if (index === undefined) {
      index = this.expectations.push(expected) - 1;
      this.expectationIndex.set(key, index);
    }
    return index;
  }

  private outcomeOf(code: number): Outcome {
    return OUTCOMES[code % OUTCOME_COUNT]!;
  }

  private expectedOf(code: number): ExpectedOutcome {
    return this.expectations[Math.floor(code / OUTCOME_COUNT)]!;
  }

  result(): MergedResults {
    const days = [...this.days].sort((a, b) => a - b);
    const nightIndex = new NightIndex(days);
    const runs: MergedRun[] = [];
    const tests: MergedTest[] = [];
    const unfinished: UnfinishedTest[] = [];
    const testNights: TestNights[] = [];
    for (const run of this.runs.values()) {
      const merged = mergedRunOf(run, this.runIdOf);
      runs.push(merged);
      for (const byId of run.tests.values()) {
        for (const track of byId.values()) {
          const identity = {
            runKey: run.key, runner: run.runner, cellId: merged.cell.id, platform: merged.platform, required: merged.cell.required,
            feature: track.feature, id: track.id, project: track.project,
          };
          testNights.push({ ...identity, ...this.nightsOf(track, nightIndex) });
          const plannedNewest = track.plannedDays.length ? Math.max(...track.plannedDays) : -Infinity;
          if (track.attempts.length && track.newestDay >= plannedNewest) tests.push(mergeTest(run, track.attempts, this.runIdOf));
          else unfinished.push({ ...identity });
        }
      }
    }
    tests.sort((a, b) => a.platform.localeCompare(b.platform) || a.feature.localeCompare(b.feature) ||
      a.id.localeCompare(b.id) || a.runKey.localeCompare(b.runKey) || a.project.localeCompare(b.project));
    unfinished.sort((a, b) => `${a.runKey}|${a.id}`.localeCompare(`${b.runKey}|${b.id}`) || a.project.localeCompare(b.project));
    testNights.sort((a, b) => `${a.runKey}|${a.project}|${a.id}`.localeCompare(`${b.runKey}|${b.project}|${b.id}`));
    return {
      runs: runs.sort((a, b) => a.key.localeCompare(b.key)),
      tests,
      unfinished,
      nights: days.map(nightText),
      testNights,
      warnings: [...this.warnings],
    };
  }

  /** Each night of one test folded: its attempts in start order, as reruns are; planned but never attempted is
   *  unfinished. Attempts in start order are grouped by night already (a night is a stretch of start times). */
  private nightsOf(track: TestTrack, nightIndex: NightIndex): Pick<TestNights, 'nightIndexes' | 'outcomes' | 'expected'> {
    const order = attemptOrder(track, this.runIdOf);
    if (order === undefined && oneAttemptEachPlannedNight(track)) {
      // The common case: attempts in order, one a night, planned exactly on the nights they ran.
      const n = track.days.length;
      const nightIndexes = new Int32Array(n);
      const expected: ExpectedOutcome[] = new Array(n);
      const outcomes: NightOutcome[] = new Array(n);
      for (let i = 0; i < n; i++) {
        nightIndexes[i] = nightIndex.of(track.days[i]!);
        outcomes[i] = this.outcomeOf(track.codes[i]!);
        expected[i] = this.expectedOf(track.codes[i]!);
      }
      return { nightIndexes, outcomes, expected };
    }
    return this.foldNights(track, order ?? track.days.map((_, i) => i), nightIndex);
  }

  /** Any case: reruns in a night folded as reruns are, nights only planned made unfinished. */
  private foldNights(track: TestTrack, order: readonly number[], nightIndex: NightIndex): Pick<TestNights, 'nightIndexes' | 'outcomes' | 'expected'> {
    // The newest attempt of a night knows the newest claim (a profile fix between reruns must win), as in mergeTest.
    const attempted: { day: number; outcome: Outcome; expected: ExpectedOutcome }[] = [];
    for (let start = 0; start < order.length;) {
      const day = track.days[order[start]!]!;
      let end = start + 1;
      while (end < order.length && track.days[order[end]!] === day) end++;
      const last = track.codes[order[end - 1]!]!;
      const outcome = end - start === 1 ? this.outcomeOf(last)
        : mergeOutcomes(order.slice(start, end).map((i) => this.outcomeOf(track.codes[i]!)));
      attempted.push({ day, outcome, expected: this.expectedOf(last) });
      start = end;
    }
    const planned = [...new Set(track.plannedDays)].sort((a, b) => a - b);
    const nightIndexes: number[] = [];
    const outcomes: NightOutcome[] = [];
    const expected: (ExpectedOutcome | undefined)[] = [];
    // Merge two ascending lists: a night with attempts, or only planned (unfinished).
    for (let a = 0, p = 0; a < attempted.length || p < planned.length;) {
      const next = attempted[a];
      if (next && (p >= planned.length || next.day <= planned[p]!)) {
        if (planned[p] === next.day) p++;
        nightIndexes.push(nightIndex.of(next.day));
        outcomes.push(next.outcome);
        expected.push(next.expected);
        a++;
      } else {
        nightIndexes.push(nightIndex.of(planned[p]!));
        outcomes.push('unfinished');
        expected.push(undefined);
        p++;
      }
    }
    return { nightIndexes: Int32Array.from(nightIndexes), outcomes, expected };
  }
}

export function nightText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const OUTCOME_INDEX = new Map<Outcome, number>(OUTCOMES.map((o, i) => [o, i]));

/** Whether two parsed JSON values are equal (objects whatever their key order). For an expectation of a few short
 *  strings this is a fraction of writing it out (JSON.stringify was the fold's largest cost). */
function sameJsonValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJsonValue(a[i], b[i])) return false;
    return true;
  }
  let keys = 0;
  for (const key in a) {
    if (!Object.hasOwn(b, key) || !sameJsonValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
    keys++;
  }
  for (const _ in b) keys--;
  return keys === 0;
}

/** A record without its tests: what a run and a test's newest attempts need of it. */
interface RecordMeta {
  seq: number;
  startedMs: number;
  runId: string;
  startedAt: string;
  endedAt?: string;
  cell: ResultRecord['cell'];
  status: ResultRecord['status'];
  environment: ResultRecord['environment'];
  doubles: string[];
  infraError?: { step: string; message: string };
  runErrors: string[];
  unclassifiedTests: { title: string; outcome: Outcome }[];
  imported?: ResultRecord['imported'];
}

interface RunTrack {
  key: string;
  runner: string;
  newestDay: number;
  newestRecords: RecordMeta[];
  days: Set<number>;
  /** project → test id → track. */
  tests: Map<string, Map<string, TestTrack>>;
  /** The tracks of the previous record's planned and finished tests, by position. */
  lastPlanned: TestTrack[];
  lastTests: TestTrack[];
}

/** One test of one run: every attempt as four numbers (columns), the newest night's attempts in full. */
interface TestTrack {
  id: string;
  project: string;
  feature: Feature;
  days: number[];
  startedMs: number[];
  seqs: number[];
  codes: number[];
  plannedDays: number[];
  newestDay: number;
  attempts: { test: TestRecord; meta: RecordMeta }[];
}

function sameTrack(track: TestTrack | undefined, project: string, id: string): TestTrack | undefined {
  return track && track.id === id && track.project === project ? track : undefined;
}

function trackOf(run: RunTrack, project: string, id: string, feature: Feature): TestTrack {
  let byId = run.tests.get(project);
  if (!byId) {
    byId = new Map();
    run.tests.set(project, byId);
  }
  let track = byId.get(id);
  if (!track) {
    track = { id, project, feature, days: [], startedMs: [], seqs: [], codes: [], plannedDays: [], newestDay: -Infinity, attempts: [] };
    byId.set(id, track);
  }
  return track;
}

const byStart = (runIdOf: readonly string[]) => (a: { startedMs: number; seq: number }, b: { startedMs: number; seq: number }) =>
  a.startedMs - b.startedMs || runIdOf[a.seq]!.localeCompare(runIdOf[b.seq]!) || a.seq - b.seq;

/** Attempt indexes by start time, then run id; undefined when they are in that order already (records mostly
 *  arrive so), which is checked before anything is sorted. */
function attemptOrder(track: TestTrack, runIdOf: readonly string[]): number[] | undefined {
  const { startedMs, seqs } = track;
  const compare = (i: number, j: number) =>
    startedMs[i]! - startedMs[j]! || runIdOf[seqs[i]!]!.localeCompare(runIdOf[seqs[j]!]!) || seqs[i]! - seqs[j]!;
  for (let i = 1; i < startedMs.length; i++) {
    if (compare(i - 1, i) > 0) return Array.from(startedMs, (_, k) => k).sort(compare);
  }
  return undefined;
}

/** Ordered attempts, a night each, and planned on exactly those nights (or never planned). */
function oneAttemptEachPlannedNight(track: TestTrack): boolean {
  const { days, plannedDays } = track;
  for (let i = 1; i < days.length; i++) if (days[i]! <= days[i - 1]!) return false;
  if (plannedDays.length === 0) return true;
  if (plannedDays.length !== days.length) return false;
  for (let i = 0; i < days.length; i++) if (plannedDays[i] !== days[i]) return false;
  return true;
}

/** Day number → index into the sorted nights, by a table: there is one lookup per test and night. */
class NightIndex {
  private readonly first: number;
  private readonly table: Int32Array;

  constructor(days: readonly number[]) {
    this.first = days[0] ?? 0;
    this.table = new Int32Array(days.length ? days.at(-1)! - this.first + 1 : 0).fill(-1);
    days.forEach((d, i) => {
      this.table[d - this.first] = i;
    });
  }

  of(day: number): number {
    return this.table[day - this.first]!;
  }
}

function mergedRunOf(run: RunTrack, runIdOf: readonly string[]): MergedRun {
  const records = [...run.newestRecords].sort(byStart(runIdOf));
  const newest = records.at(-1)!;
  const days = [...run.days];
  const merged: MergedRun = {
    key: run.key,
    runner: run.runner,
    cell: newest.cell,
    platform: newest.cell.platform,
    status: newest.status,
    runIds: records.map((r) => r.runId),
    startedAt: newest.startedAt,
    environment: newest.environment,
    doubles: [...new Set(records.flatMap((r) => r.doubles))],
    runErrors: records.flatMap((r) => r.runErrors),
    unclassifiedTests: records.flatMap((r) => r.unclassifiedTests),
    firstNight: nightText(Math.min(...days)),
    lastNight: nightText(run.newestDay),
    nights: days.length,
  };
  if (newest.endedAt) merged.endedAt = newest.endedAt;
  if (newest.infraError) merged.infraError = newest.infraError;
  if (newest.imported) merged.imported = newest.imported;
  return merged;
}

function mergeTest(run: RunTrack, unordered: readonly { test: TestRecord; meta: RecordMeta }[], runIdOf: readonly string[]): MergedTest {
  const compare = byStart(runIdOf);
  const list = [...unordered].sort((a, b) => compare(a.meta, b.meta));
  const history = list.map((a) => a.test.outcome);
  const outcome = mergeOutcomes(history);
  const decider = list[decidingAttempt(history, outcome)]!;
  const newest = list.at(-1)!;
  const t = decider.test;
  const merged: MergedTest = {
    runKey: run.key,
    runner: run.runner,
    cellId: decider.meta.cell.id,
    platform: decider.meta.cell.platform,
    required: newest.meta.cell.required,
    id: t.id,
    feature: t.feature,
    variant: t.variant,
    title: t.title,
    project: t.project,
    // The newest record knows the newest claim (a profile fix between reruns must win).
    expected: newest.test.expected,
    outcome,
    night: nightText(Math.floor(newest.meta.startedMs / DAY_MS)),
    history,
    retries: list.reduce((sum, a) => sum + a.test.retries, 0),
    durationMs: t.durationMs,
    artifacts: [...new Set(list.flatMap((a) => a.test.artifacts))],
    runIds: list.map((a) => a.meta.runId),
  };
  if (t.error) merged.error = t.error;
  if (t.skipReason) merged.skipReason = t.skipReason;
  const nonDiscriminating = newest.test.nonDiscriminating ?? t.nonDiscriminating;
  if (nonDiscriminating) merged.nonDiscriminating = nonDiscriminating;
  if (newest.test.failureSignature) merged.failureSignature = newest.test.failureSignature;
  return merged;
}
