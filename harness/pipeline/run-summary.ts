import { join } from 'node:path';
import { compareReleases, loadRelease } from '../../matrix/load-release-profile.ts';
import { FEATURES } from '../../matrix/vocabulary.ts';
import {
  buildCompatibilityReport, OUTCOMES, plainTable, writeReportFiles, type Outcome, type ResultRecord, type SignoffVerdict,
} from '../../reporters/index.ts';

/** What this run alone says about a release: the sign-off its records would give and its HTML report. */
export interface RunReport {
  release: string;
  signoff: SignoffVerdict;
  htmlFile: string;
}

/** A plain-text table: one row per feature that ran, one column per outcome that occurred, and totals. */
export function outcomeTable(records: readonly ResultRecord[]): string {
  const counts = new Map<string, Map<Outcome, number>>();
  for (const test of records.flatMap((r) => r.tests)) {
    const row = counts.get(test.feature) ?? new Map<Outcome, number>();
    row.set(test.outcome, (row.get(test.outcome) ?? 0) + 1);
    counts.set(test.feature, row);
  }
  const features = FEATURES.filter((f) => counts.has(f));
  const outcomes = OUTCOMES.filter((o) => features.some((f) => counts.get(f)!.has(o)));
  const count = (feature: string, outcome: Outcome) => counts.get(feature)?.get(outcome) ?? 0;
  const rows: string[][] = [
    ['FEATURE', ...outcomes, 'total'],
    ...features.map((f) => [f, ...outcomes.map((o) => String(count(f, o))), String(outcomes.reduce((n, o) => n + count(f, o), 0))]),
    ['total', ...outcomes.map((o) => String(features.reduce((n, f) => n + count(f, o), 0))),
      String(features.reduce((n, f) => n + outcomes.reduce((m, o) => m + count(f, o), 0), 0))],
  ];
  return plainTable(rows, (column) => column > 0);
}

/** Per release of the run: the compatibility report of these records alone, written as self-contained HTML under
 *  `<out>/reports/<run id>/<release>/`, and its sign-off — with the same builder and renderer as `report`. */
export function writeRunReports(records: readonly ResultRecord[], outDir: string, runId: string): RunReport[] {
  const releases = [...new Set(records.map((r) => r.release))].sort(compareReleases);
  return releases.map((release) => {
    const report = buildCompatibilityReport({ records: records.filter((r) => r.release === release), profile: loadRelease(release) });
    const [htmlFile] = writeReportFiles(report, join(outDir, 'reports', runId, release), ['html']);
    return { release, signoff: report.signoff, htmlFile: htmlFile! };
  });
}
