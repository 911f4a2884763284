import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CompatibilityReport } from './compatibility-report.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { renderJunit } from './render-junit.ts';

export const REPORT_FORMATS = ['html', 'md', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The whole model, for tools (dashboards, a later merge). Key order follows the model, so output is stable. */
export function renderJson(report: CompatibilityReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const OUTPUTS: Record<ReportFormat, { file: string; render: (r: CompatibilityReport) => string }> = {
  html: { file: 'report.html', render: renderHtml },
  md: { file: 'report.md', render: renderMarkdown },
  json: { file: 'report.json', render: renderJson },
  junit: { file: 'junit.xml', render: renderJunit },
};

/** Renders the asked formats into `outDir`; returns the written paths in format order. */
export function writeReportFiles(report: CompatibilityReport, outDir: string, formats: readonly ReportFormat[] = REPORT_FORMATS): string[] {
  mkdirSync(outDir, { recursive: true });
  return formats.map((format) => {
    const path = resolve(join(outDir, OUTPUTS[format].file));
    writeFileSync(path, OUTPUTS[format].render(report));
    return path;
  });
}
