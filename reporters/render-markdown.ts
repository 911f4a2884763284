import type { CompatibilityReport, DiffEntry, GridCell } from './compatibility-report.ts';
import { GRID_STATES } from './compatibility-report.ts';
import { STATE_ICONS, STATE_MEANINGS, firstLine, formatDuration, markdownCell } from './render-text.ts';
import { renderTestedStacksMarkdown } from './render-tested-stacks.ts';

/** Markdown fit to paste into a release issue: verdict, grid, the cells that need a look, what is not
 *  discriminating, the doubles used, the baseline diff, the tested stacks, runs and warnings. Pure. */
export function renderMarkdown(report: CompatibilityReport): string {
  const totalTests = Object.values(report.totals).reduce((a, b) => a + b, 0);
  const out: string[] = [
    `# CoCo ${report.release} compatibility report`,
    '',
    `Generated ${report.generatedAt} from ${report.runs.length} cell run(s) and ${totalTests} test result(s).`,
    '',
    `## Sign-off: ${report.signoff.verdict}`,
    '',
    ...(report.signoff.reasons.length ? report.signoff.reasons.map((r) => `- ${r}`) : ['Every supported claim in scope passed; nothing failed unexpectedly.']),
    ...report.signoff.notes.map((n) => `- note: ${n}`),
    '',
    '## Feature × platform',
    '',
    ...gridTable(report),
    '',
    GRID_STATES.map((s) => `${STATE_ICONS[s]} ${s}: ${STATE_MEANINGS[s]}`).join('  \n'),
    '',
  ];
  const attention = report.grid.flat().filter((c) => !['PASS', 'N/A', 'KNOWN-LIMITATION'].includes(c.state));
  if (attention.length) out.push('## Cells that need a look', '', ...attention.flatMap(cellDetails));
  out.push('## Not discriminating', '');
  if (report.nonDiscriminating.length === 0) out.push('None: every test that passed did so where the release claims the feature.', '');
  else {
    out.push('These tests passed where the release claims nothing, so they cannot tell a confidential runtime from runc:', '');
    for (const t of report.nonDiscriminating) out.push(`- \`${t.testId}\` on ${t.platforms.join(', ')}: ${t.reason}`);
    out.push('');
  }
  out.push('## Test doubles used', '');
  if (report.doubles.length === 0) out.push('None: every cell ran against the real components.', '');
  else out.push(...report.doubles.map((d) => `- ${d.cellId} (${d.runner}): ${d.doubles.join('; ')}`), '');
  if (report.diff) out.push(...diffSection(report));
  out.push('## Tested stacks', '', renderTestedStacksMarkdown(report.testedStacks, 3));
  out.push('## Runs', '', '| Runner | Cell | Status | Tests | Doubles |', '| --- | --- | --- | --- | --- |');
  for (const run of report.runs) {
    const counts = Object.entries(run.counts).map(([o, n]) => `${n} ${o}`).join(', ') || 'none';
    const status = run.infraError ? `${run.status} (${run.infraError.step})`
      : run.unfinished ? `${run.status} (${run.unfinished.length} planned test(s) never finished)` : run.status;
    out.push(`| ${markdownCell(run.runner)} | ${markdownCell(run.cellId)} | ${status} | ${counts} | ${run.doubles.length ? 'yes' : 'no'} |`);
  }
  out.push('');
  if (report.warnings.length) out.push('## Warnings', '', ...report.warnings.map((w) => `- ${markdownCell(w)}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function gridTable(report: CompatibilityReport): string[] {
  const header = `| Feature | ${report.platforms.map((p) => p.name + (p.shipped ? '' : ' (not shipped)')).join(' | ')} |`;
  const rule = `| --- |${report.platforms.map(() => ' --- |').join('')}`;
  const rows = report.grid.map((row, i) => `| ${report.features[i]} | ${row.map((c) => `${STATE_ICONS[c.state]} ${c.state}`).join(' | ')} |`);
  return [header, rule, ...rows];
}

function cellDetails(cell: GridCell): string[] {
  const lines = [`### ${cell.feature} × ${cell.platform}: ${cell.state}`, '', markdownCell(cell.summary), ''];
  if (cell.claim) lines.push(`Claim: ${cell.claim.status}${cell.claim.note ? ` (${markdownCell(cell.claim.note)})` : ''}${cell.claim.issue ? ` ${cell.claim.issue}` : ''}`, '');
  const shown = cell.tests.filter((t) => !['passed', 'expected-failure'].includes(t.outcome));
  if (shown.length) {
    lines.push('| Test | Outcome | Runner | Cell | Duration | Retries | Error |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const t of shown) {
      const history = t.history.length > 1 ? ` (${t.history.join(' → ')})` : '';
      const why = t.outcome === 'failed-wrong-reason' && t.failureSignature
        ? `expected at "${t.failureSignature.step}", failed at "${t.failureSignature.failedStep}": ${t.failureSignature.error}`
        : t.error ?? t.skipReason ?? '';
      lines.push(`| \`${t.id}\` | ${t.outcome}${history} | ${markdownCell(t.runner)} | ${markdownCell(t.cellId)} | ${formatDuration(t.durationMs)} | ${t.retries} | ${markdownCell(firstLine(why))} |`);
    }
    lines.push('');
  }
  return lines;
}

function diffSection(report: CompatibilityReport): string[] {
  const diff = report.diff!;
  const list = (title: string, entries: DiffEntry[]) =>
    entries.length
      ? [`### ${title} (${entries.length})`, '', ...entries.map((e) => `- \`${e.testId}\` on ${e.platform}: ${e.before} → ${e.after}`), '']
      : [`### ${title} (0)`, ''];
  return [
    '## Changes against the baseline',
    '',
    ...list('Newly broken', diff.newlyBroken),
    ...list('Newly passing', diff.newlyPassing),
    ...list('Newly covered', diff.newlyCovered),
    ...list('No longer covered', diff.noLongerCovered),
  ];
}
