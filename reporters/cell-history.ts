import type { Claim } from '../matrix/release-profile.ts';
import type { Feature, PlatformId } from '../matrix/vocabulary.ts';
import type { NightExpectation, NightOutcome, TestNight, TestNights } from './merged-results.ts';
import { anyRan, gridState, isJudged, type GradedTest, type GridState } from './grid-state.ts';

/** What one night says about a grid cell or a test, as TestGrid's columns do. */
export const WEATHERS = ['PASS', 'FAIL', 'FLAKY', 'INFRA', 'NOT-RUN', 'N/A'] as const;
export type Weather = (typeof WEATHERS)[number];

/** Nights a strip shows, as the kata CI dashboard's weather does. */
export const DEFAULT_HISTORY_NIGHTS = 10;
/** Consecutive failing nights that raise an alert, TestGrid's default. */
export const DEFAULT_ALERT_AFTER = 3;

export interface HistoryOptions {
  /** Nights in the strip and in the flakiness window (default 10). */
  nights?: number;
  /** Consecutive failing nights that raise an alert (default 3). */
  alertAfter?: number;
}

/** The frame every cell's history is drawn in. */
export interface ReportHistory {
  window: number;
  alertAfter: number;
  /** The strip's columns, oldest first: the newest `window` nights any record of the release started on (UTC dates). */
  nights: string[];
  /** Every night of the records: how far back "last passed" and a failure streak can reach. */
  totalNights: number;
  firstNight?: string;
  /** One line per grid cell that failed `alertAfter` or more nights in a row up to now. */
  alerts: string[];
}

/** One grid cell (feature × platform) over the nights: the cell graded night by night with the same rules as the
 *  grid (grid-state.ts), over every runner's results of that night. */
export interface CellHistory {
  /** One per ReportHistory.nights, oldest first (newest right). */
  strip: Weather[];
  /** The newest night the cell passed (PASS or FLAKY), over every night of the records. */
  lastPassed?: string;
  /** The failing nights up to now. A night on which nothing of the cell ran (only skips, infrastructure errors,
   *  tests that never finished, or no record) is passed over: it neither breaks nor lengthens the streak. Any
   *  other night that is not FAIL ends it. */
  failureStreak?: { firstNight: string; nights: number };
  /** Share of the window's nights that ran (PASS, FAIL, FLAKY) on which the cell was unsettled: FLAKY, or PASS and
   *  FAIL flipping from the night that ran before. Absent when nothing ran in the window. */
  flakinessPercent?: number;
  /** Set when the failure streak is at least ReportHistory.alertAfter nights. */
  alert?: string;
  /** Each test of the cell (per runner and project) that has a result in the window, worst first. */
  tests: TestHistory[];
}

export interface TestHistory {
  testId: string;
  runner: string;
  cellId: string;
  project: string;
  required: boolean;
  /** One per ReportHistory.nights, oldest first. */
  strip: Weather[];
  /** Nights in the window the test failed. */
  failedNights: number;
  lastPassed?: string;
}

export interface CellHistoryInput {
  feature: Feature;
  platform: PlatformId;
  claim: Claim | undefined;
  shipped: boolean;
  /** Every test of this feature on this platform, all runners. */
  tests: readonly TestNights[];
  /** Every night of the records, oldest first (MergedResults.nights). */
  nights: readonly string[];
  window: number;
  alertAfter: number;
}

export function resolveHistoryOptions(options: HistoryOptions = {}): { window: number; alertAfter: number } {
  const window = options.nights ?? DEFAULT_HISTORY_NIGHTS;
  const alertAfter = options.alertAfter ?? DEFAULT_ALERT_AFTER;
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`history nights must be a whole number ≥ 1, got ${window}`);
  if (!Number.isInteger(alertAfter) || alertAfter < 1) throw new RangeError(`alert-after must be a whole number ≥ 1, got ${alertAfter}`);
  return { window, alertAfter };
}

/** The grid's columns of history: the newest `window` nights. */
export function historyNights(nights: readonly string[], window: number): string[] {
  return nights.slice(Math.max(0, nights.length - window));
}

/** One night of a cell, or of one test, graded by the grid's own rules (gridState): the strip, the failure streak,
 *  the alert, "last passed" and the test rows all read this, so none of them can tell a story the grid does not.
 *  `ran` says whether any test had a result that night (a night with none neither breaks nor lengthens a streak). */
export function gradeNight(claim: Claim | undefined, shipped: boolean, graded: readonly GradedTest[], unfinished: readonly string[] = []): { weather: Weather; ran: boolean } {
  return { weather: weatherOfState(gridState(claim, shipped, graded, unfinished)), ran: anyRan(graded) };
}

/** Walks the nights newest first, grading the cell on each, until the window is drawn, the last pass is found and
 *  the failure streak is closed: a year of nights costs only what a cell that never passed needs. */
export function cellHistoryOf(input: CellHistoryInput): CellHistory {
  const { nights, window, tests } = input;
  const windowStart = Math.max(0, nights.length - window);
  const noResult = gradeNight(input.claim, input.shipped, []).weather;
  const strip: Weather[] = new Array(nights.length - windowStart).fill(noResult);
  // Each test's next night to look at, counted from its newest.
  const cursors = tests.map(() => 0);
  let lastPassed: number | undefined;
  let streak = 0;
  let streakFirst = -1;
  let streakOpen = true;
  // Past the window only a night that passed or a failure streak is sought; a cell that is not judged has neither.
  const judged = isJudged(input.claim, input.shipped);
  const more = (n: number) => n >= 0 && tests.length > 0 && (n >= windowStart || (judged && (lastPassed === undefined || streakOpen)));
  for (let n = nights.length - 1; more(n); n--) {
    const graded: GradedTest[] = [];
    const unfinished: string[] = [];
    tests.forEach((t, i) => {
      const night = t.night(cursors[i]!);
      if (night?.index !== n) return;
      cursors[i]!++;
      const test = gradedOf(t, night);
      if (test) graded.push(test);
      else unfinished.push(t.id);
    });
    const { weather, ran } = graded.length || unfinished.length ? gradeNight(input.claim, input.shipped, graded, unfinished) : { weather: noResult, ran: false };
    if (n >= windowStart) strip[n - windowStart] = weather;
    if (lastPassed === undefined && (weather === 'PASS' || weather === 'FLAKY')) lastPassed = n;
    if (streakOpen && weather === 'FAIL') {
      streak++;
      streakFirst = n;
    } else if (ran || weather === 'PASS' || weather === 'FLAKY') {
      streakOpen = false;
    }
  }
  const flakiness = flakinessOf(strip);
  const passed = lastPassed === undefined ? undefined : nights[lastPassed]!;
  const since = passed ? `last passed ${passed}` : 'never passed in these records';
  return {
    strip,
    ...(passed ? { lastPassed: passed } : {}),
    ...(streak > 0 ? { failureStreak: { firstNight: nights[streakFirst]!, nights: streak } } : {}),
    ...(flakiness === undefined ? {} : { flakinessPercent: flakiness }),
    ...(streak >= input.alertAfter ? { alert: `${input.feature} × ${input.platform}: FAIL ${streak} nights in a row, since ${nights[streakFirst]} (${since})` } : {}),
    tests: testHistoriesOf(input, windowStart, noResult, judged),
  };
}

/** One test's result on one of its nights as grading needs it; undefined for a night it was only planned. */
function gradedOf(t: TestNights, { outcome, expected }: TestNight): GradedTest | undefined {
  if (outcome === 'unfinished' || !expected) return undefined;
  return { id: t.id, outcome, runKey: t.runKey, runner: t.runner, expected };
}

/** A night's grid state as a weather column: behaving as the release says is a pass, whatever the claim. */
export function weatherOfState(state: GridState): Weather {
  switch (state) {
    case 'PASS': case 'KNOWN-LIMITATION': return 'PASS';
    case 'FAIL': case 'LIMITATION-PASSED': return 'FAIL';
    case 'FLAKY': return 'FLAKY';
    case 'INFRA-FAIL': return 'INFRA';
    case 'NOT-RUN': return 'NOT-RUN';
    case 'N/A': return 'N/A';
  }
}

function flakinessOf(strip: readonly Weather[]): number | undefined {
  let ran = 0;
  let unsettled = 0;
  let previous: Weather | undefined;
  for (const weather of strip) {
    if (weather !== 'PASS' && weather !== 'FAIL' && weather !== 'FLAKY') continue;
    ran++;
    if (weather === 'FLAKY' || (previous !== undefined && previous !== 'FLAKY' && previous !== weather)) unsettled++;
    previous = weather;
  }
  return ran ? Math.round((100 * unsettled) / ran) : undefined;
}

/** Each test of the cell graded alone, night by night, by the same function as the cell. A test alone is graded by
 *  what it did and what it was expected to do (the claim is the cell's): each such pair is graded once per cell. */
function testHistoriesOf(input: CellHistoryInput, windowStart: number, noResult: Weather, judged: boolean): TestHistory[] {
  const { nights } = input;
  const out: TestHistory[] = [];
  const weathers = new Map<NightExpectation | undefined, Map<NightOutcome, Weather>>();
  const weatherOf = (t: TestNights, night: TestNight): Weather => {
    const { expected, outcome } = night;
    let byOutcome = weathers.get(expected);
    if (!byOutcome) weathers.set(expected, (byOutcome = new Map()));
    let weather = byOutcome.get(outcome);
    if (weather === undefined) {
      const graded = gradedOf(t, night);
      weather = gradeNight(input.claim, input.shipped, graded ? [graded] : [], graded ? [] : [t.id]).weather;
      byOutcome.set(outcome, weather);
    }
    return weather;
  };
  for (const t of input.tests) {
    if (!((t.night(0)?.index ?? -1) >= windowStart)) continue;
    const strip: Weather[] = new Array(nights.length - windowStart).fill(noResult);
    let failedNights = 0;
    let lastPassed: string | undefined;
    for (let k = 0, night = t.night(0); night; night = t.night(++k)) {
      const n = night.index;
      if (n < windowStart && (lastPassed || !judged)) break;
      const weather = weatherOf(t, night);
      if (n >= windowStart) {
        strip[n - windowStart] = weather;
        if (weather === 'FAIL') failedNights++;
      }
      if (!lastPassed && (weather === 'PASS' || weather === 'FLAKY')) lastPassed = nights[n]!;
    }
    const history: TestHistory = { testId: t.id, runner: t.runner, cellId: t.cellId, project: t.project, required: t.required, strip, failedNights };
    if (lastPassed) history.lastPassed = lastPassed;
    out.push(history);
  }
  return out.sort((a, b) => b.failedNights - a.failedNights || a.testId.localeCompare(b.testId) ||
    a.runner.localeCompare(b.runner) || a.cellId.localeCompare(b.cellId) || a.project.localeCompare(b.project));
}
