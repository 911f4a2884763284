import type { CompatibilityReport } from './compatibility-report.ts';

/** The whole model, for tools (dashboards, a later merge). Key order follows the model, so output is stable. */
export function renderJson(report: CompatibilityReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
