/** The public API of reporters/: what comes out of a run. The Playwright reporter itself is
 *  reporters/result-record-reporter.ts (a default export, as Playwright wants). */
export { RESULT_RECORD_SCHEMA_VERSION, OUTCOMES } from './result-record.ts';
export type { ResultRecord, TestRecord, Outcome, EnvironmentFacts, ImportedFrom } from './result-record.ts';
export { validateResultRecord, looksLikeResultRecord, RESULT_RECORD_SCHEMA } from './validate-result-record.ts';
export { RecordWriter, writeRecordAtomically, recordFileName, type RecordHead } from './record-writer.ts';
export { writeImportedRecord, writeInfraErrorRecord, writeSkippedCellRecord, type ImportedRecordInput, type InfraErrorRecordInput } from './not-run-record.ts';
export { mapUpstreamResults, parseUpstreamResults, type ParsedUpstreamResults, type UpstreamResult } from './upstream-results.ts';
export { loadResultRecords, streamResultRecords, type LoadedRecords } from './load-result-records.ts';
export { RecordFold } from './merge-records.ts';
export { mergeOutcomes } from './merge-outcomes.ts';
export type { MergedResults, MergedRun, MergedTest, TestNights, NightOutcome } from './merged-results.ts';
export { buildCompatibilityReport, buildCompatibilityReportFromFiles, type ReportInput, type FileReportInput } from './build-compatibility-report.ts';
export {
  WEATHERS, DEFAULT_HISTORY_NIGHTS, DEFAULT_ALERT_AFTER, cellHistoryOf, gradeNight, weatherOfState,
  type Weather, type HistoryOptions, type ReportHistory, type CellHistory, type TestHistory,
} from './cell-history.ts';
export * from './compatibility-report.ts';
export { GRID_STATES, gridStateOf, type GridState } from './grid-state.ts';
export { decideSignoff, judgedStateOf } from './signoff-verdict.ts';
export { diffAgainstBaseline } from './baseline-diff.ts';
export { testedStacksOf } from './tested-stacks.ts';
export { renderHtml } from './render-html.ts';
export { markdownTable, plainTable } from './render-text.ts';
export { renderMarkdown } from './render-markdown.ts';
export { MARKDOWN_LIMIT, enforceMarkdownLimit } from './markdown-budget.ts';
export { renderJunit } from './render-junit.ts';
export { renderTestedStacksMarkdown } from './render-tested-stacks.ts';
export { writeReportFiles, renderJson, REPORT_FORMATS, type ReportFormat } from './write-report-files.ts';
