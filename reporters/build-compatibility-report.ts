import { FEATURES, type PlatformId } from '../matrix/vocabulary.ts';
import { releaseLabel } from '../matrix/index.ts';
import type { Outcome, ResultRecord } from './result-record.ts';
import type { MergedResults, MergedTest, TestNights, UnfinishedTest } from './merged-results.ts';
import type { CompatibilityReport, GridCell, NonDiscriminatingTest, PlatformColumn, ReportProfile, RunSummary } from './compatibility-report.ts';
import { RecordFold } from './merge-records.ts';
import { countOutcomes } from './merge-outcomes.ts';
import { gridStateOf } from './grid-state.ts';
import { cellHistoryOf, historyNights, resolveHistoryOptions, type CellHistory, type HistoryOptions } from './cell-history.ts';
import { diffAgainstBaseline } from './baseline-diff.ts';
import { platformOrder, testedStacksOf } from './tested-stacks.ts';
import { decideSignoff } from './signoff-verdict.ts';
import { streamResultRecords } from './load-result-records.ts';
import { foldRecordFiles } from './fold-record-files.ts';
import { ReleaseRecords } from './release-records.ts';

export interface ReportInput {
  records: Iterable<ResultRecord>;
  profile: ReportProfile;
  /** Records of the previous night or release: enables the diff. */
  baseline?: Iterable<ResultRecord>;
  /** Warnings from loading (carried into the report so a reader sees what was skipped). */
  warnings?: readonly string[];
  /** Fixed in tests so golden files are stable. */
  generatedAt?: string;
  /** Platforms the sign-off requires (default: every shipped platform). */
  signoffPlatforms?: readonly PlatformId[];
  /** Nights of history per cell and the failure streak that raises an alert (default 10 and 3). */
  history?: HistoryOptions;
}

/** The same report from record files and folders, read one file at a time (foldRecordFiles): what
 *  `coco-conformance report` and `signoff` run, so a year of nights from many runners fits in memory. The report
 *  says how many records it folded (`records`, and `diff.records` for the baseline) and why files were skipped
 *  (`warnings`), for a caller that refuses to report on nothing. */
export interface FileReportInput extends Omit<ReportInput, 'records' | 'baseline' | 'warnings'> {
  results: readonly string[];
  baseline?: readonly string[];
  /** 1: read the results on this thread alone (by default a year of nights is read on two: foldRecordFiles). */
  threads?: 1 | 2;
}

/** Records + release profile (+ baseline) → the compatibility report. Pure: no clock unless generatedAt is
 *  absent, no file system. Records of another release are left out with a warning. */
export function buildCompatibilityReport(input: ReportInput): CompatibilityReport {
  const current = new ReleaseRecords(input.profile);
  for (const record of input.records) current.add(record);
  let baseline: RecordFold | undefined;
  if (input.baseline) {
    baseline = new RecordFold();
    for (const record of input.baseline) baseline.add(record);
  }
  return reportOf(input, current, baseline, input.warnings ?? []);
}

export async function buildCompatibilityReportFromFiles(input: FileReportInput): Promise<CompatibilityReport> {
  const { records: current, warnings } = await foldRecordFiles(input.results, input.profile, input.threads);
  let baseline: RecordFold | undefined;
  if (input.baseline) {
    const fold = baseline = new RecordFold();
    // One push per warning, here and below: a spread of a warning per unreadable file of a large baseline would
    // overflow the stack.
    for (const warning of streamResultRecords(input.baseline, (record, file) => fold.add(record, file))) warnings.push(`baseline: ${warning}`);
  }
  return reportOf(input, current, baseline, warnings);
}

function reportOf(input: Omit<ReportInput, 'records' | 'baseline'>, current: ReleaseRecords, baseline: RecordFold | undefined,
  loadWarnings: readonly string[]): CompatibilityReport {
  const { profile } = input;
  const { window, alertAfter } = resolveHistoryOptions(input.history);
  const merged = current.fold.result();
  const warnings = [...loadWarnings, ...current.warnings(), ...merged.warnings];
  for (const run of merged.runs) {
    for (const t of run.unclassifiedTests) warnings.push(`${run.runner} ${run.cell.id}: test "${t.title}" (${t.outcome}) has no feature and is not in the grid`);
    for (const e of run.runErrors) warnings.push(`${run.runner} ${run.cell.id}: error outside tests: ${e.split('\n')[0]}`);
  }
  const undefinedPlatforms = [...new Set(merged.runs.map((r) => r.platform))].filter((id) => !profile.platforms[id]);
  for (const id of undefinedPlatforms) {
    warnings.push(`records for platform ${id}, which ${profile.release} does not define: shown in the grid, never required by the sign-off`);
  }
  const platforms = columnsOf(profile, merged);
  const byCell = groupByCell(merged);
  const grid = FEATURES.map((feature) => platforms.map((column) => {
    const key = `${column.id}|${feature}`;
    const claim = profile.claims[feature]?.[column.id];
    const history = cellHistoryOf({
      feature, platform: column.id, claim, shipped: column.shipped, tests: byCell.nights.get(key) ?? [], nights: merged.nights, window, alertAfter,
    });
    return gridCellOf(column, feature, claim, byCell.tests.get(key) ?? [], byCell.unfinished.get(key) ?? [], history);
  }));
  const alerts = grid.flat().flatMap((c) => (c.history.alert ? [c.history.alert] : []));
  const report: CompatibilityReport = {
    schemaVersion: 1,
    release: profile.release,
    releaseLabel: releaseLabel(profile),
    ...(profile.candidate ? { candidate: { from: profile.candidate.from, review: profile.candidate.review } } : {}),
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    features: [...FEATURES],
    platforms,
    grid,
    history: {
      window, alertAfter, nights: historyNights(merged.nights, window), totalNights: merged.nights.length,
      ...(merged.nights.length ? { firstNight: merged.nights[0]! } : {}), alerts,
    },
    records: current.fold.records,
    runs: merged.runs.map((run) => summaryOf(run, merged)),
    totals: countOutcomes(merged.tests) as Record<Outcome, number>,
    nonDiscriminating: nonDiscriminatingOf(grid),
    notTestedUpstream: grid.flat().flatMap((c) => (c.claim?.notTestedUpstream ? [{ feature: c.feature, platform: c.platform, reason: c.claim.notTestedUpstream }] : [])),
    doubles: merged.runs.filter((r) => r.doubles.length).map((r) => ({ runner: r.runner, cellId: r.cell.id, doubles: r.doubles })),
    testedStacks: testedStacksOf(profile, merged.runs, new Set(merged.tests.filter((t) => t.outcome !== 'infra-error' && t.outcome !== 'skipped').map((t) => t.runKey))),
    signoff: decideSignoff(grid, platforms, input.signoffPlatforms),
    warnings,
  };
  if (baseline) {
    const before = baseline.result();
    for (const warning of before.warnings) warnings.push(`baseline: ${warning}`);
    report.diff = diffAgainstBaseline(merged.tests, before.tests, baseline.records);
  }
  return report;
}

/** A column for every platform the release claims something (supported / limitation) on or does not ship, plus
 *  any platform that has records (the control platform claims nothing but shows how the suites behave on runc). */
function columnsOf(profile: ReportProfile, merged: MergedResults): PlatformColumn[] {
  const withRecords = new Set(merged.runs.map((r) => r.platform));
  return platformOrder(profile, merged.runs).flatMap((id) => {
    const spec = profile.platforms[id];
    const claimed = FEATURES.some((f) => ['supported', 'limitation'].includes(profile.claims[f]?.[id]?.status ?? ''));
    if (!claimed && !withRecords.has(id)) return [];
    // A platform the release does not define is not shipped: its records show, but the sign-off never requires it.
    const column: PlatformColumn = { id, name: spec?.shortName ?? id, shipped: spec?.shipped ?? false, claimed };
    if (spec?.runtimeClass) column.runtimeClass = spec.runtimeClass;
    return [column];
  });
}

/** Tests, unfinished tests and test nights keyed by `platform|feature`, in one pass each. */
function groupByCell(merged: MergedResults) {
  const group = <T extends { platform: string; feature: string }>(list: readonly T[]) => {
    const out = new Map<string, T[]>();
    for (const item of list) {
      const key = `${item.platform}|${item.feature}`;
      const bucket = out.get(key);
      if (bucket) bucket.push(item);
      else out.set(key, [item]);
    }
    return out;
  };
  return { tests: group<MergedTest>(merged.tests), unfinished: group<UnfinishedTest>(merged.unfinished), nights: group<TestNights>(merged.testNights) };
}

function gridCellOf(column: PlatformColumn, feature: GridCell['feature'], claim: GridCell['claim'], tests: MergedTest[],
  unfinished: readonly UnfinishedTest[], history: CellHistory): GridCell {
  const cell: GridCell = {
    feature, platform: column.id, ...gridStateOf(claim, column.shipped, tests, unfinished.map((u) => u.id)), tests,
    runners: [...new Set(tests.map((t) => t.runner))].sort(), history,
  };
  if (claim) cell.claim = claim;
  const notRequired = [...tests.filter((t) => !t.required), ...unfinished.filter((u) => !u.required)];
  if (notRequired.length) {
    const requiredTests = tests.filter((t) => t.required);
    const requiredUnfinished = unfinished.filter((u) => u.required).map((u) => u.id);
    cell.notRequired = { runs: [...new Set(notRequired.map((t) => `${t.runner} — ${t.cellId}`))].sort() };
    if (requiredTests.length || requiredUnfinished.length) cell.notRequired.judged = gridStateOf(claim, column.shipped, requiredTests, requiredUnfinished);
  }
  return cell;
}

/** Tests that passed where the release claims nothing: they cannot tell a confidential runtime from runc. */
function nonDiscriminatingOf(grid: readonly GridCell[][]): NonDiscriminatingTest[] {
  const byId = new Map<string, NonDiscriminatingTest>();
  for (const cell of grid.flat()) {
    if (cell.claim?.status === 'supported') continue;
    for (const t of cell.tests) {
      if (!t.nonDiscriminating || (t.outcome !== 'passed' && t.outcome !== 'flaky')) continue;
      const seen = byId.get(t.id) ?? { testId: t.id, feature: t.feature, platforms: [], reason: t.nonDiscriminating };
      if (!seen.platforms.includes(t.platform)) seen.platforms.push(t.platform);
      byId.set(t.id, seen);
    }
  }
  return [...byId.values()].sort((a, b) => a.testId.localeCompare(b.testId));
}

function summaryOf(run: MergedResults['runs'][number], { tests, unfinished }: MergedResults): RunSummary {
  const summary: RunSummary = {
    runner: run.runner, cellId: run.cell.id, cell: run.cell, platform: run.platform, status: run.status, runIds: run.runIds,
    startedAt: run.startedAt, environment: run.environment, doubles: run.doubles,
    counts: countOutcomes(tests.filter((t) => t.runKey === run.key), true),
    firstNight: run.firstNight, lastNight: run.lastNight, nights: run.nights,
  };
  const never = unfinished.filter((u) => u.runKey === run.key).map((u) => u.id);
  if (never.length) summary.unfinished = never;
  if (run.endedAt) summary.endedAt = run.endedAt;
  if (run.infraError) summary.infraError = run.infraError;
  if (run.imported) summary.imported = run.imported;
  return summary;
}

