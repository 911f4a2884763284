import type { Claim, ReleaseProfile } from '../matrix/release-profile.ts';
import type { Feature, PlatformId } from '../matrix/vocabulary.ts';
import type { Outcome } from './result-record.ts';
import type { MergedRun, MergedTest } from './merged-results.ts';
import type { CellHistory, ReportHistory } from './cell-history.ts';
import type { GridState } from './grid-state.ts';

/** The typed model every renderer (HTML, Markdown, JSON, JUnit) and the sign-off read. Built by a pure function
 *  (build-compatibility-report.ts); renderers never look at records themselves. */
export interface CompatibilityReport {
  schemaVersion: 1;
  release: string;
  /** How the report names the release: `v0.22.0 (candidate)` while its profile is a candidate. */
  releaseLabel: string;
  /** Present for a candidate: the release it was derived from and what is still to review. */
  candidate?: { from: string; review: { path: string; why: string }[] };
  generatedAt: string;
  features: Feature[];
  platforms: PlatformColumn[];
  /** One row per feature, one cell per platform column, in the same order. */
  grid: GridCell[][];
  /** The nights the grid cells' histories are drawn over, and the alerts they raised. */
  history: ReportHistory;
  /** Result records folded into the report (every night, every runner). */
  records: number;
  runs: RunSummary[];
  totals: Record<Outcome, number>;
  nonDiscriminating: NonDiscriminatingTest[];
  /** Claims the release makes that upstream's CI does not exercise at the release's refs (claims.<f>.<p>.notTestedUpstream):
   *  the harness tests them; the report says so, with the upstream file:line. */
  notTestedUpstream: NotTestedUpstream[];
  doubles: DoublesUsed[];
  testedStacks: TestedStackGroup[];
  diff?: BaselineDiff;
  signoff: SignoffVerdict;
  warnings: string[];
}

export interface NotTestedUpstream {
  feature: Feature;
  platform: PlatformId;
  reason: string;
}

/** The part of a release profile the report reads, so tests and tools can build one from a small object. */
export type ReportProfile = Pick<ReleaseProfile, 'release' | 'claims' | 'platforms' | 'candidate'>;

export interface PlatformColumn {
  id: PlatformId;
  name: string;
  shipped: boolean;
  runtimeClass?: string;
  /** False for a column shown only because records exist (e.g. the control platform). */
  claimed: boolean;
}

/** A feature × platform of the grid as it stands: every runner's tests in their newest night. */
export interface GridCell {
  feature: Feature;
  platform: PlatformId;
  state: GridState;
  /** One sentence: why this state. */
  summary: string;
  claim?: Claim;
  tests: MergedTest[];
  runners: string[];
  /** Present when cells not required for sign-off (Cell.required false) ran tests here. */
  notRequired?: NotRequiredRuns;
  history: CellHistory;
}

/** Cells not required for sign-off are reported like any other, but the sign-off judges only the required ones. */
export interface NotRequiredRuns {
  /** "runner — cell id" of each not-required run that ran tests here. */
  runs: string[];
  /** The state over the required cells' tests alone: what the sign-off judges. Absent when only not-required cells
   *  ran here (then nothing here is judged). */
  judged?: { state: GridState; summary: string };
}

/** A merged run as the report shows it: the run's own facts (see MergedRun) plus its outcome counts. */
export interface RunSummary extends Pick<MergedRun, 'runner' | 'cell' | 'platform' | 'status' | 'runIds' | 'startedAt' |
  'endedAt' | 'environment' | 'doubles' | 'infraError' | 'firstNight' | 'lastNight' | 'nights' | 'imported'> {
  cellId: string;
  counts: Partial<Record<Outcome, number>>;
  /** Tests the run planned but never finished (interrupted or crashed). */
  unfinished?: string[];
}

/** One line on where an imported run came from: hypervisor, format, job, CI run, commit. */
export function importedFromText(from: NonNullable<RunSummary['imported']>): string {
  return [`${from.hypervisor} job's ${from.format} (${from.files.length} file${from.files.length === 1 ? '' : 's'}, mapped by ${from.mappingTable})`,
    from.jobUrl && `job ${from.jobUrl}`, from.ciRunId && `run ${from.ciRunId}`, from.commit && `commit ${from.commit}`].filter(Boolean).join(', ');
}

export interface NonDiscriminatingTest {
  testId: string;
  feature: Feature;
  platforms: PlatformId[];
  reason: string;
}

export interface DoublesUsed {
  runner: string;
  cellId: string;
  doubles: string[];
}

export interface TestedStack {
  processor?: string;
  hardware?: string;
  kernel?: string;
  os?: string;
  kubernetes?: string;
  kustomize?: string;
  helm?: string;
  containerd?: string;
  runners: string[];
}

export interface TestedStackGroup {
  platform: PlatformId;
  name: string;
  stacks: TestedStack[];
}

export type TestClass = 'good' | 'bad' | 'none';

export interface DiffEntry {
  platform: PlatformId;
  feature: Feature;
  testId: string;
  before: Outcome | 'absent';
  after: Outcome | 'absent';
}

export interface BaselineDiff {
  /** Result records the baseline was folded from. */
  records: number;
  newlyBroken: DiffEntry[];
  newlyPassing: DiffEntry[];
  newlyCovered: DiffEntry[];
  noLongerCovered: DiffEntry[];
}

export type Verdict = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

export interface ReasonCell {
  feature: Feature;
  platform: PlatformId;
  runners: string[];
  /** The first night of the cell's current failing streak (a FAIL or LIMITATION-PASSED reason). */
  firstFailingNight?: string;
}

export interface SignoffVerdict {
  verdict: Verdict;
  exitCode: 0 | 1 | 3;
  /** Why the verdict is not PASS: one line each, naming the runner(s) and, for a failure, the first night of its
   *  current failing streak. Empty for PASS. */
  reasons: string[];
  /** The grid cell each reason is about, index for index (null for a reason about no one cell), so a page can link
   *  it. */
  reasonCells: (ReasonCell | null)[];
  /** Worth reading but not blocking (flaky cells, platforms out of scope, cells not required for sign-off). */
  notes: string[];
  /** Platforms whose supported claims had to be shown passing. */
  scope: PlatformId[];
}
