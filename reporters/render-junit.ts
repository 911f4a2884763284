import type { CompatibilityReport } from './compatibility-report.ts';
import type { MergedTest } from './merged-results.ts';
import { escapeHtml } from './render-text.ts';

/** JUnit XML for CI systems that only read JUnit: one testsuite per cell run, one testcase per merged test.
 *  failed, failed-wrong-reason and unexpected-pass are failures; infra-error is an error; skipped is skipped; flaky passes but keeps its
 *  history in a property (JUnit has no flaky state, and Playwright's own JUnit output loses retries). */
export function renderJunit(report: CompatibilityReport): string {
  const tests = report.grid.flat().flatMap((c) => c.tests);
  const byRun = new Map<string, MergedTest[]>();
  for (const t of tests) byRun.set(t.runKey, [...(byRun.get(t.runKey) ?? []), t]);
  const count = (list: MergedTest[], ...outcomes: string[]) => list.filter((t) => outcomes.includes(t.outcome)).length;
  const attr = (text: string | number) => escapeHtml(String(text));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="coco-conformance ${attr(report.releaseLabel)}" tests="${tests.length}" failures="${count(tests, 'failed', 'failed-wrong-reason', 'unexpected-pass')}" errors="${count(tests, 'infra-error')}" skipped="${count(tests, 'skipped')}">`,
  ];
  for (const run of report.runs) {
    const list = byRun.get(`${run.runner}|${run.cellId}`) ?? [];
    const time = list.reduce((s, t) => s + t.durationMs, 0) / 1000;
    lines.push(`  <testsuite name="${attr(`${run.cellId} @ ${run.runner}`)}" tests="${list.length}" failures="${count(list, 'failed', 'failed-wrong-reason', 'unexpected-pass')}" errors="${count(list, 'infra-error')}" skipped="${count(list, 'skipped')}" time="${time.toFixed(3)}" timestamp="${attr(run.startedAt)}">`);
    lines.push('    <properties>', ...[
      ['runner', run.runner], ['cell', run.cellId], ['platform', run.platform], ['status', run.status],
      ...run.doubles.map((d) => ['test-double', d]),
    ].map(([k, v]) => `      <property name="${attr(k!)}" value="${attr(v!)}"/>`), '    </properties>');
    for (const t of list) lines.push(...testcase(t, attr));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testcase(t: MergedTest, attr: (s: string | number) => string): string[] {
  const open = `    <testcase name="${attr(`${t.id} [${t.project}]`)}" classname="${attr(`${t.feature}.${t.platform}`)}" time="${(t.durationMs / 1000).toFixed(3)}"`;
  const body: string[] = [];
  const props = [['outcome', t.outcome], ['expected', t.expected.expect], ['retries', String(t.retries)]];
  if (t.history.length > 1) props.push(['history', t.history.join(' -> ')]);
  body.push('      <properties>', ...props.map(([k, v]) => `        <property name="${k}" value="${attr(v!)}"/>`), '      </properties>');
  if (t.outcome === 'failed' || t.outcome === 'failed-wrong-reason' || t.outcome === 'unexpected-pass') {
    body.push(`      <failure message="${attr(t.outcome)}">${escapeHtml(t.error ?? '')}</failure>`);
  } else if (t.outcome === 'infra-error') {
    body.push(`      <error message="infra-error">${escapeHtml(t.error ?? '')}</error>`);
  } else if (t.outcome === 'skipped') {
    body.push(`      <skipped message="${attr(t.skipReason ?? '')}"/>`);
  }
  if (t.artifacts.length) body.push(`      <system-out>${escapeHtml(t.artifacts.map((a) => `[[ATTACHMENT|${a}]]`).join('\n'))}</system-out>`);
  return [`${open}>`, ...body, '    </testcase>'];
}
