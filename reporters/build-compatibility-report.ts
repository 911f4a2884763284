import { FEATURES, PLATFORMS, type PlatformId } from '../matrix/vocabulary.ts';
import { OUTCOMES, type Outcome, type ResultRecord } from './result-record.ts';
import type { MergedResults, MergedTest } from './merged-results.ts';
import type { CompatibilityReport, GridCell, NonDiscriminatingTest, PlatformColumn, ReportProfile, RunSummary } from './compatibility-report.ts';
import { mergeRecords } from './merge-records.ts';
import { gridStateOf } from './grid-state.ts';
import { diffAgainstBaseline } from './baseline-diff.ts';
import { testedStacksOf } from './tested-stacks.ts';
import { decideSignoff } from './signoff-verdict.ts';
import { platformShortName } from './platform-names.ts';

export interface ReportInput {
  records: readonly ResultRecord[];
  profile: ReportProfile;
  /** Records of the previous night or release: enables the diff. */
  baseline?: readonly ResultRecord[];
  /** Warnings from loading (carried into the report so a reader sees what was skipped). */
  warnings?: readonly string[];
  /** Fixed in tests so golden files are stable. */
  generatedAt?: string;
  /** Platforms the sign-off requires (default: every shipped platform). */
  signoffPlatforms?: readonly PlatformId[];
}

/** Records + release profile (+ baseline) → the compatibility report. Pure: no clock unless generatedAt is
 *  absent, no file system. Records of another release are left out with a warning. */
export function buildCompatibilityReport(input: ReportInput): CompatibilityReport {
  const { profile } = input;
  const warnings = [...(input.warnings ?? [])];
  const records = input.records.filter((r) => {
    if (r.release === profile.release) return true;
    warnings.push(`record ${r.runId} (${r.runner}, ${r.cell.id}) is for ${r.release}, not ${profile.release}: left out`);
    return false;
  });
  const merged = mergeRecords(records);
  for (const run of merged.runs) {
    for (const t of run.unclassifiedTests) warnings.push(`${run.runner} ${run.cell.id}: test "${t.title}" (${t.outcome}) has no feature and is not in the grid`);
    for (const e of run.runErrors) warnings.push(`${run.runner} ${run.cell.id}: error outside tests: ${e.split('\n')[0]}`);
  }
  const platforms = columnsOf(profile, merged);
  const grid = FEATURES.map((feature) => platforms.map((column) => gridCellOf(profile, column, feature, merged)));
  const report: CompatibilityReport = {
    schemaVersion: 1,
    release: profile.release,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    features: [...FEATURES],
    platforms,
    grid,
    runs: merged.runs.map((run) => summaryOf(run, merged)),
    totals: countOutcomes(merged.tests) as Record<Outcome, number>,
    nonDiscriminating: nonDiscriminatingOf(grid),
    doubles: merged.runs.filter((r) => r.doubles.length).map((r) => ({ runner: r.runner, cellId: r.cell.id, doubles: r.doubles })),
    testedStacks: testedStacksOf(merged.runs, new Set(merged.tests.filter((t) => t.outcome !== 'infra-error' && t.outcome !== 'skipped').map((t) => t.runKey))),
    signoff: decideSignoff(grid, platforms, input.signoffPlatforms),
    warnings,
  };
  if (input.baseline) report.diff = diffAgainstBaseline(merged.tests, mergeRecords(input.baseline).tests);
  return report;
}

/** A column for every platform the release claims something (supported / limitation) on or does not ship, plus
 *  any platform that has records (the control platform claims nothing but shows how the suites behave on runc). */
function columnsOf(profile: ReportProfile, merged: MergedResults): PlatformColumn[] {
  const withRecords = new Set(merged.runs.map((r) => r.platform));
  return PLATFORMS.flatMap((id) => {
    const spec = profile.platforms[id];
    const claimed = FEATURES.some((f) => ['supported', 'limitation'].includes(profile.claims[f]?.[id]?.status ?? ''));
    if (!claimed && !withRecords.has(id)) return [];
    const column: PlatformColumn = { id, name: platformShortName(id), shipped: spec?.shipped ?? true, claimed };
    if (spec?.runtimeClass) column.runtimeClass = spec.runtimeClass;
    return [column];
  });
}

function gridCellOf(profile: ReportProfile, column: PlatformColumn, feature: GridCell['feature'], merged: MergedResults): GridCell {
  const here = <T extends { platform: string; feature: string }>(t: T) => t.platform === column.id && t.feature === feature;
  const tests = merged.tests.filter(here);
  const unfinished = merged.unfinished.filter(here).map((u) => u.id);
  const claim = profile.claims[feature]?.[column.id];
  const cell: GridCell = { feature, platform: column.id, ...gridStateOf(claim, column.shipped, tests, unfinished), tests, runners: [...new Set(tests.map((t) => t.runner))].sort() };
  if (claim) cell.claim = claim;
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
  };
  const never = unfinished.filter((u) => u.runKey === run.key).map((u) => u.id);
  if (never.length) summary.unfinished = never;
  if (run.endedAt) summary.endedAt = run.endedAt;
  if (run.infraError) summary.infraError = run.infraError;
  return summary;
}

function countOutcomes(tests: readonly MergedTest[], sparse = false): Partial<Record<Outcome, number>> {
  const counts: Partial<Record<Outcome, number>> = {};
  for (const o of OUTCOMES) if (!sparse) counts[o] = 0;
  for (const t of tests) counts[t.outcome] = (counts[t.outcome] ?? 0) + 1;
  return counts;
}
