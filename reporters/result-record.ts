import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import type { Cell } from '../matrix/cell.ts';
import type { Feature, Variant } from '../matrix/vocabulary.ts';

export const RESULT_RECORD_SCHEMA_VERSION = 1;

export const OUTCOMES = [
  'passed',
  'failed',
  'expected-failure',
  // An expected failure that failed elsewhere than its signature (step and error pattern): counts as failed.
  'failed-wrong-reason',
  'unexpected-pass',
  'flaky',
  'skipped',
  'infra-error',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** One JSON file per cell run (schema: reporters/result-record.schema.json). Written incrementally: the file on disk
 *  is valid after every finished test, so a crash loses nothing already run. */
export interface ResultRecord {
  schemaVersion: typeof RESULT_RECORD_SCHEMA_VERSION;
  runId: string;
  runner: string;
  cell: Cell;
  release: string;
  environment: EnvironmentFacts;
  /** Parts of the run that are test doubles rather than the real thing (e.g. "kbs: trustee admin API double"). */
  doubles: string[];
  startedAt: string;
  endedAt?: string;
  /** running while tests are still being written; complete at the end; interrupted when a signal stopped the run. */
  status: 'running' | 'complete' | 'interrupted' | 'infra-error';
  /** When status is infra-error: the step that failed (provision, install, kbs…) and why. */
  infraError?: { step: string; message: string };
  /** Every conformance test the run meant to run, known at its start: a test planned but absent from `tests` never
   *  finished (interrupted, crashed), which the report shows as not run instead of not knowing it existed. */
  planned?: { id: string; feature: Feature; project: string }[];
  /** Errors raised outside any test (global setup, a worker crash), redacted. */
  runErrors?: string[];
  /** Tests that carry no feature (no `feature` annotation, tag or catalog entry): kept visible, never merged. An
   *  imported upstream test that maps to no catalog test is listed here too. */
  unclassifiedTests?: { title: string; outcome: Outcome }[];
  /** Set when the results were not run by the harness but imported from upstream CI (`coco-conformance import`). */
  imported?: ImportedFrom;
  tests: TestRecord[];
}

/** Where imported results came from: the CI job that ran upstream's bats, and the files read. */
export interface ImportedFrom {
  /** `bats-tap` (what `bats --formatter tap` writes, kata CI's report files) or `junit`. */
  format: 'bats-tap' | 'junit';
  files: string[];
  /** The job's KATA_HYPERVISOR, which gave the platform. */
  hypervisor: string;
  /** The kata version whose mapping table matched bats tests to catalog tests. */
  mappingTable: string;
  jobUrl?: string;
  ciRunId?: string;
  commit?: string;
}

export interface TestRecord {
  id: string; // encrypted-image/wrong-key-fails
  feature: Feature;
  variant: Variant;
  title: string;
  project: string; // Playwright project (platform/runtime class)
  expected: ExpectedOutcome;
  outcome: Outcome;
  durationMs: number;
  retries: number;
  error?: string;
  skipReason?: string;
  nonDiscriminating?: string;
  /** For a test expected to fail: the signature it was held to, where it really failed and whether that matched. */
  failureSignature?: FailureSignatureCheck;
  artifacts: string[];
  startedAt: string;
}

export interface FailureSignatureCheck {
  step: string;
  pattern: string;
  /** The step the test failed in ("(test body)" when outside any step). */
  failedStep: string;
  matched: boolean;
  /** The first line of the error (redacted), which the pattern was matched against. */
  error: string;
}

export interface EnvironmentFacts {
  hostname?: string;
  kernel?: string;
  os?: string;
  cpuModel?: string;
  arch?: string;
  teeHostSupport?: Record<string, string>; // tdx: "Y", sev_snp: "N", prot_virt_host: "0"
  teeFirmware?: Record<string, string>;
  kubernetesServer?: string;
  kubernetesDistro?: string;
  containerd?: string;
  kustomize?: string;
  helm?: string;
  componentImages?: Record<string, string>;
  [key: string]: unknown;
}
