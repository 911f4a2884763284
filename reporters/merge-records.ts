import { OUTCOMES, type Outcome, type ResultRecord, type TestRecord } from './result-record.ts';
import type { MergedResults, MergedRun, MergedTest, NightExpectation, TestNight, TestNights, UnfinishedTest } from './merged-results.ts';
import type { Feature } from '../matrix/vocabulary.ts';
import { decidingAttempt, mergeOutcomes } from './merge-outcomes.ts';

const DAY_MS = 86_400_000;
/** An attempt's code is `outcome index + OUTCOME_COUNT × expectation index`: what it did and what it was expected
 *  to do (EXPECTATIONS), in one number. */
const OUTCOME_COUNT = OUTCOMES.length;
/** A night's expectation as history grades it, one shared object each (the schema allows these three). */
const EXPECTATIONS: readonly NightExpectation[] = [{ expect: 'pass' }, { expect: 'fail' }, { expect: 'skip' }];

/** Folds result records into runs (runner + cell id), tests (run + project + test id) and their nights, one record
 *  at a time, so a year of records never has to be in memory at once: a record's tests are folded and the record is
 *  dropped. What is kept per test is its newest night in full (the attempts that decide its current state) and, for
 *  every attempt, two numbers: its record and its code; a record's night and start time are kept once, not per
 *  test. A night is the UTC date a record started on; the records of one night are reruns and fold as such (a
 *  failure and a pass make it flaky). The result does not depend on the order records are added in: attempts are
 *  ordered by start time, then run id. */
export class RecordFold {
  private readonly runs = new Map<string, RunTrack>();
  /** Per record folded, by its sequence number: run id, night (day number) and start time. */
  private readonly runIdOf: string[] = [];
  private readonly dayOf: number[] = [];
  private readonly startedMsOf: number[] = [];
  private readonly warnings: string[] = [];

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
    const seq = this.runIdOf.push(record.runId) - 1;
    this.dayOf.push(day);
    this.startedMsOf.push(startedMs);
    const meta: RecordMeta = {
      seq, startedAt: record.startedAt, cell: record.cell, status: record.status,
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
    for (let i = 0; i < record.tests.length; i++) {
      const test = record.tests[i]!;
      const track = sameTrack(run.lastTests[i], test.project, test.id) ?? (run.lastTests[i] = trackOf(run, test.project, test.id, test.feature));
      track.feature = test.feature;
      if (!track.outOfOrder && track.seqs.length) track.outOfOrder = this.startsAfter(track.seqs[track.seqs.length - 1]!, seq);
      track.seqs.push(seq);
      track.codes.push(OUTCOME_INDEX.get(test.outcome)! + OUTCOME_COUNT * EXPECTATION_INDEX.get(test.expected.expect)!);
      if (day > track.newestDay) {
        track.newestDay = day;
        track.attempts = [];
      }
      if (day === track.newestDay) track.attempts.push({ test, meta });
    }
    // A planned test this record finished is accounted for by its attempt; one it did not finish is unfinished on
    // this night, unless another record of the night finished it (nightsOf).
    const planned = record.planned ?? [];
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      const track = sameTrack(run.lastPlanned[i], p.project, p.id) ?? (run.lastPlanned[i] = trackOf(run, p.project, p.id, p.feature));
      if (track.seqs[track.seqs.length - 1] !== seq && track.unfinishedDays[track.unfinishedDays.length - 1] !== day) track.unfinishedDays.push(day);
    }
  }

  /** What this fold holds, as plain data another thread can receive (a structured clone): see absorb. */
  state(): RecordFoldState {
    return { runs: this.runs, runIdOf: this.runIdOf, dayOf: this.dayOf, startedMsOf: this.startedMsOf, warnings: this.warnings };
  }

  /** Folds in what another fold took from the records that come after this one's (state(), possibly from another
   *  thread): the result is the one fold would have given adding them all in that order — the same records, run
   *  and test tracks, the same warnings in the same order. Its record numbers follow this fold's. */
  absorb(later: RecordFoldState): void {
    const offset = this.runIdOf.length;
    for (let i = 0; i < later.runIdOf.length; i++) {
      this.runIdOf.push(later.runIdOf[i]!);
      this.dayOf.push(later.dayOf[i]!);
      this.startedMsOf.push(later.startedMsOf[i]!);
    }
    // One push per item, here and below: a spread of as many as the other thread's records would overflow the stack.
    for (const warning of later.warnings) this.warnings.push(warning);
    const metas = new Set<RecordMeta>();
    for (const [key, run] of later.runs) {
      for (const meta of run.newestRecords) metas.add(meta);
      const own = this.runs.get(key);
      if (own) {
        for (const day of run.days) own.days.add(day);
        if (run.newestDay > own.newestDay) {
          own.newestDay = run.newestDay;
          own.newestRecords = run.newestRecords;
        } else if (run.newestDay === own.newestDay) for (const meta of run.newestRecords) own.newestRecords.push(meta);
      } else this.runs.set(key, run);
      for (const byId of run.tests.values()) {
        for (const track of byId.values()) {
          for (const attempt of track.attempts) metas.add(attempt.meta);
          for (let i = 0; i < track.seqs.length; i++) track.seqs[i]! += offset;
          // A run new to this fold brought its tracks along; a track new to a run joins it as it is.
          if (!own) continue;
          const mine = own.tests.get(track.project)?.get(track.id);
          if (!mine) {
            const byId = own.tests.get(track.project);
            if (byId) byId.set(track.id, track);
            else own.tests.set(track.project, new Map([[track.id, track]]));
            continue;
          }
          if (!mine.outOfOrder && mine.seqs.length && track.seqs.length) mine.outOfOrder = this.startsAfter(mine.seqs[mine.seqs.length - 1]!, track.seqs[0]!);
          mine.outOfOrder ||= track.outOfOrder;
          for (let i = 0; i < track.seqs.length; i++) {
            mine.seqs.push(track.seqs[i]!);
            mine.codes.push(track.codes[i]!);
          }
          for (const day of track.unfinishedDays) mine.unfinishedDays.push(day);
          // As add: the feature of the test's last attempt, or of its first plan when it never ran.
          if (track.seqs.length) mine.feature = track.feature;
          if (track.newestDay > mine.newestDay) {
            mine.newestDay = track.newestDay;
            mine.attempts = track.attempts;
          } else if (track.newestDay === mine.newestDay) for (const attempt of track.attempts) mine.attempts.push(attempt);
        }
      }
    }
    for (const meta of metas) meta.seq += offset;
  }

  /** The order of attempts and records, by their record numbers: start time, then run id, then the order they were
   *  added in. */
  private readonly byStart = (a: number, b: number): number =>
    this.startedMsOf[a]! - this.startedMsOf[b]! || this.runIdOf[a]!.localeCompare(this.runIdOf[b]!) || a - b;

  /** Whether record `earlier`, added before record `later`, comes after it by start. */
  private startsAfter(earlier: number, later: number): boolean {
    return this.byStart(earlier, later) > 0;
  }

  /** A track's attempt indexes in start order. */
  private attemptOrder(track: TestTrack): number[] {
    const { seqs } = track;
    return Array.from(seqs, (_, k) => k).sort((i, j) => this.byStart(seqs[i]!, seqs[j]!));
  }

  private mergedRunOf(run: RunTrack): MergedRun {
    const records = [...run.newestRecords].sort((a, b) => this.byStart(a.seq, b.seq));
    const newest = records.at(-1)!;
    const days = [...run.days];
    const merged: MergedRun = {
      key: run.key,
      runner: run.runner,
      cell: newest.cell,
      platform: newest.cell.platform,
      status: newest.status,
      runIds: records.map((r) => this.runIdOf[r.seq]!),
      startedAt: newest.startedAt,
      environment: newest.environment,
      doubles: [...new Set(records.flatMap((r) => r.doubles))],
      runErrors: records.flatMap((r) => r.runErrors),
      unclassifiedTests: records.flatMap((r) => r.unclassifiedTests),
      // Not Math.min(...days): a run of more nights than a call takes arguments would overflow the stack.
      firstNight: nightText(days.reduce((a, b) => Math.min(a, b))),
      lastNight: nightText(run.newestDay),
      nights: days.length,
    };
    if (newest.endedAt) merged.endedAt = newest.endedAt;
    if (newest.infraError) merged.infraError = newest.infraError;
    if (newest.imported) merged.imported = newest.imported;
    return merged;
  }

  private mergeTest(run: RunTrack, unordered: readonly { test: TestRecord; meta: RecordMeta }[]): MergedTest {
    const list = [...unordered].sort((a, b) => this.byStart(a.meta.seq, b.meta.seq));
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
      night: nightText(this.dayOf[newest.meta.seq]!),
      history,
      retries: list.reduce((sum, a) => sum + a.test.retries, 0),
      durationMs: t.durationMs,
      artifacts: [...new Set(list.flatMap((a) => a.test.artifacts))],
      runIds: list.map((a) => this.runIdOf[a.meta.seq]!),
    };
    if (t.error) merged.error = t.error;
    if (t.skipReason) merged.skipReason = t.skipReason;
    const nonDiscriminating = newest.test.nonDiscriminating ?? t.nonDiscriminating;
    if (nonDiscriminating) merged.nonDiscriminating = nonDiscriminating;
    if (newest.test.failureSignature) merged.failureSignature = newest.test.failureSignature;
    return merged;
  }

  private outcomeOf(code: number): Outcome {
    return OUTCOMES[code % OUTCOME_COUNT]!;
  }

  private expectedOf(code: number): NightExpectation {
    return EXPECTATIONS[Math.floor(code / OUTCOME_COUNT)]!;
  }

  result(): MergedResults {
    const days = [...new Set(this.dayOf)].sort((a, b) => a - b);
    // Day number → index into the sorted nights. A map, not a table from the first day to the last: records may
    // start anywhere in the dates JavaScript reads (±270,000 years), and a table spanning them is 800 MB.
    const nightIndex: NightIndex = new Map(days.map((day, index) => [day, index]));
    const runs: MergedRun[] = [];
    const tests: MergedTest[] = [];
    const unfinished: UnfinishedTest[] = [];
    const testNights: TestNights[] = [];
    for (const run of this.runs.values()) {
      const merged = this.mergedRunOf(run);
      runs.push(merged);
      for (const byId of run.tests.values()) {
        for (const track of byId.values()) {
          const identity = {
            runKey: run.key, runner: run.runner, cellId: merged.cell.id, platform: merged.platform, required: merged.cell.required,
            feature: track.feature, id: track.id, project: track.project,
          };
          testNights.push({ ...identity, night: this.nightsOf(track, nightIndex) });
          const unfinishedNewest = track.unfinishedDays.reduce((a, b) => Math.max(a, b), -Infinity);
          if (track.attempts.length && track.newestDay >= unfinishedNewest) tests.push(this.mergeTest(run, track.attempts));
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

  /** One test's nights, newest first, folded on demand (TestNights.night): its attempts in start order, walked back
   *  from the newest (a night is a stretch of start times); reruns in a night fold as reruns do, and a night only
   *  planned, never attempted, is unfinished. History reads the newest few of a year of nights. */
  private nightsOf(track: TestTrack, nightIndex: NightIndex): (k: number) => TestNight | undefined {
    const order = track.outOfOrder ? this.attemptOrder(track) : undefined;
    const attempt = order ? (k: number) => order[k]! : (k: number) => k;
    const { seqs, codes } = track;
    const dayAt = (k: number) => this.dayOf[seqs[attempt(k)]!]!;
    const unfinished = ascendingDistinct(track.unfinishedDays);
    const folded: TestNight[] = [];
    // The newest attempt and the newest unfinished night not folded yet.
    let a = seqs.length - 1;
    let u = unfinished.length - 1;
    return (k) => {
      while (folded.length <= k && (a >= 0 || u >= 0)) {
        const day = a >= 0 ? dayAt(a) : -Infinity;
        if (u >= 0 && unfinished[u]! > day) {
          folded.push({ index: nightIndex.get(unfinished[u--]!)!, outcome: 'unfinished', expected: undefined });
          continue;
        }
        if (unfinished[u] === day) u--;
        let first = a;
        while (first > 0 && dayAt(first - 1) === day) first--;
        // The newest attempt of a night knows the newest claim (a profile fix between reruns must win), as in mergeTest.
        const last = codes[attempt(a)]!;
        let outcome: Outcome;
        if (first === a) outcome = this.outcomeOf(last);
        else {
          const reruns: Outcome[] = [];
          for (let i = first; i <= a; i++) reruns.push(this.outcomeOf(codes[attempt(i)]!));
          outcome = mergeOutcomes(reruns);
        }
        folded.push({ index: nightIndex.get(day)!, outcome, expected: this.expectedOf(last) });
        a = first - 1;
      }
      return folded[k];
    };
  }
}

export function nightText(day: number): string {
  // The date part of the ISO text, whatever its year's width (+275760-09-13 is a date JavaScript reads).
  const iso = new Date(day * DAY_MS).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}

const OUTCOME_INDEX = new Map<Outcome, number>(OUTCOMES.map((o, i) => [o, i]));
const EXPECTATION_INDEX = new Map(EXPECTATIONS.map((e, i) => [e.expect, i]));

/** A fold's content (RecordFold.state): plain data, which a structured clone carries between threads whole. */
export interface RecordFoldState {
  runs: Map<string, RunTrack>;
  runIdOf: string[];
  dayOf: number[];
  startedMsOf: number[];
  warnings: string[];
}

/** A record without its tests: what a run and a test's newest attempts need of it. */
interface RecordMeta {
  /** The record's number in the fold: its run id, night and start are the fold's (RecordFold.runIdOf, …). */
  seq: number;
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

/** One test of one run: every attempt as two numbers (columns: its record, its code), the newest night's attempts in
 *  full. */
interface TestTrack {
  id: string;
  project: string;
  feature: Feature;
  seqs: number[];
  codes: number[];
  /** Nights a record planned the test and did not finish it. */
  unfinishedDays: number[];
  /** Some attempt was added before one that started earlier (records mostly arrive in start order): nightsOf sorts. */
  outOfOrder: boolean;
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
    track = { id, project, feature, seqs: [], codes: [], unfinishedDays: [], outOfOrder: false, newestDay: -Infinity, attempts: [] };
    byId.set(id, track);
  }
  return track;
}

/** The days in ascending order, each once: a track's unfinished days as recorded, which are that already when records
 *  arrive in night order (a day is recorded once per run of nights), copied and sorted only when they are not. */
function ascendingDistinct(days: readonly number[]): readonly number[] {
  for (let i = 1; i < days.length; i++) {
    if (days[i]! <= days[i - 1]!) return [...new Set(days)].sort((x, y) => x - y);
  }
  return days;
}

/** Day number → index into the fold's sorted nights (RecordFold.result). */
type NightIndex = ReadonlyMap<number, number>;
