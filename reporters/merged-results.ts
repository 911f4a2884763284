import type { Cell } from '../matrix/cell.ts';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { Feature, PlatformId, Variant } from '../matrix/vocabulary.ts';
import type { EnvironmentFacts, FailureSignatureCheck, Outcome, ResultRecord } from './result-record.ts';

/** Every record of one cell on one runner, folded together. The run's facts are those of its newest night (the UTC
 *  date its newest record started on): older nights live on only in the history. */
export interface MergedRun {
  /** runner + cell id: what identifies "the same cell run again". */
  key: string;
  runner: string;
  cell: Cell;
  platform: PlatformId;
  /** The newest record's status: a rerun that completed supersedes an earlier crash. */
  status: ResultRecord['status'];
  /** The records of the newest night, oldest first. */
  runIds: string[];
  startedAt: string;
  endedAt?: string;
  /** The newest record's facts. */
  environment: EnvironmentFacts;
  /** Union over the newest night's records, in first-seen order. */
  doubles: string[];
  infraError?: { step: string; message: string };
  runErrors: string[];
  unclassifiedTests: { title: string; outcome: Outcome }[];
  /** The newest record's provenance when it was imported from upstream CI. */
  imported?: ResultRecord['imported'];
  /** UTC dates (YYYY-MM-DD) of the run's first and newest night, and how many nights it has records on. */
  firstNight: string;
  lastNight: string;
  nights: number;
}

/** One test of one merged run as it stands: its newest night, with every attempt of that night (reruns). */
export interface MergedTest {
  runKey: string;
  runner: string;
  cellId: string;
  platform: PlatformId;
  /** Whether the cell it ran in counts for sign-off (Cell.required of the newest attempt). */
  required: boolean;
  id: string;
  feature: Feature;
  variant: Variant;
  title: string;
  project: string;
  expected: ExpectedOutcome;
  outcome: Outcome;
  /** The night (UTC date) this state is from. */
  night: string;
  /** Outcomes of each record of that night that ran it, oldest first. */
  history: Outcome[];
  /** Playwright retries summed over the night's records. */
  retries: number;
  /** Duration of the newest attempt that decided the outcome. */
  durationMs: number;
  error?: string;
  skipReason?: string;
  nonDiscriminating?: string;
  /** An expected failure's signature check, from the attempt that decided the outcome. */
  failureSignature?: FailureSignatureCheck;
  artifacts: string[];
  runIds: string[];
}

/** Which test of which cell run: run + project + test id, and what the grid files it under. */
export interface TestOfRun {
  runKey: string;
  runner: string;
  cellId: string;
  platform: PlatformId;
  required: boolean;
  feature: Feature;
  id: string;
  project: string;
}

/** A test its run planned on the run's newest night for it that no record of that night finished (the run was
 *  interrupted or crashed): it counts as not run, whatever an older night says. */
export type UnfinishedTest = TestOfRun;

/** What one night says about a test, folded over that night's records as reruns are. */
export type NightOutcome = Outcome | 'unfinished';

/** One test (run + project + test id) over every night it ran or was planned on. */
export interface TestNights extends TestOfRun {
  /** Its `k`-th night from the newest (0: the newest night it has a result or was planned on), or undefined past its
   *  oldest. Folded on demand, newest first: history reads the few nights it draws, not a year of them. */
  night(k: number): TestNight | undefined;
}

/** What one night says about a test, folded over that night's records as reruns are. */
export interface TestNight {
  /** Index into MergedResults.nights. */
  index: number;
  outcome: NightOutcome;
  /** What that night's newest attempt was expected to do (pass, fail, skip): history grades each night as the grid
   *  grades the newest, and grading reads no more of an expectation than this. One of three shared objects.
   *  Undefined on a night only planned. */
  expected: NightExpectation | undefined;
}

/** The part of an expected outcome that grades a night. */
export type NightExpectation = Pick<ExpectedOutcome, 'expect'>;

export interface MergedResults {
  runs: MergedRun[];
  /** Every test's current state (its newest night). */
  tests: MergedTest[];
  unfinished: UnfinishedTest[];
  /** Every night (UTC date, YYYY-MM-DD) that any record started on, oldest first. */
  nights: string[];
  /** Every test's nights, for the history. */
  testNights: TestNights[];
  /** Records the fold could not place (bad start time), one line each. */
  warnings: string[];
}
