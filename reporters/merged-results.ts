import type { Cell } from '../matrix/cell.ts';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { Feature, PlatformId, Variant } from '../matrix/vocabulary.ts';
import type { EnvironmentFacts, FailureSignatureCheck, Outcome, ResultRecord } from './result-record.ts';

/** Every record of one cell on one runner, folded together (reruns of the same cell, or nights of it). */
export interface MergedRun {
  /** runner + cell id: what identifies "the same cell run again". */
  key: string;
  runner: string;
  cell: Cell;
  platform: PlatformId;
  /** The newest record's status: a rerun that completed supersedes an earlier crash. */
  status: ResultRecord['status'];
  runIds: string[];
  startedAt: string;
  endedAt?: string;
  /** The newest record's facts. */
  environment: EnvironmentFacts;
  /** Union over the records, in first-seen order. */
  doubles: string[];
  infraError?: { step: string; message: string };
  runErrors: string[];
  unclassifiedTests: { title: string; outcome: Outcome }[];
}

/** One test of one merged run, with every attempt across records. */
export interface MergedTest {
  runKey: string;
  runner: string;
  cellId: string;
  platform: PlatformId;
  id: string;
  feature: Feature;
  variant: Variant;
  title: string;
  project: string;
  expected: ExpectedOutcome;
  outcome: Outcome;
  /** Outcomes of each record that ran it, oldest first. */
  history: Outcome[];
  /** Playwright retries summed over all records. */
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

/** A test a record planned that no record of its run ever finished (the run was interrupted or crashed). */
export interface UnfinishedTest {
  runKey: string;
  runner: string;
  platform: PlatformId;
  feature: Feature;
  id: string;
  project: string;
}

export interface MergedResults {
  runs: MergedRun[];
  tests: MergedTest[];
  unfinished: UnfinishedTest[];
}
