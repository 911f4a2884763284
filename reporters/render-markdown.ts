import { importedFromText, type CompatibilityReport, type DiffEntry, type GridCell, type RunSummary } from './compatibility-report.ts';
import type { MergedTest } from './merged-results.ts';
import type { TestHistory } from './cell-history.ts';
import { OUTCOME_SEVERITY, STATE_ICONS, STATE_ORDER, STATE_SEVERITY, countsText, STATE_MEANINGS, WEATHER_ICONS, WEATHER_MEANINGS, firstLine, formatDuration, markdownCell, markdownCode, weatherText } from './render-text.ts';
import { renderTestedStacksMarkdown } from './render-tested-stacks.ts';
import { clip, enforceMarkdownLimit, fitItems, moreInHtml } from './markdown-budget.ts';
import { shownStateNotJudged } from './signoff-verdict.ts';

/** Characters each section may take. The grid and the legend are bounded by the closed vocabularies (features,
 *  platforms, states); everything that grows with runners, nights or tests has a budget here. With the fixed parts
 *  they add up to about 56,000, under MARKDOWN_LIMIT, which enforceMarkdownLimit still guards. */
const BUDGET = {
  reasons: 5_000,
  notes: 2_500,
  alerts: 3_000,
  history: 6_500,
  attention: 15_000,
  attentionCell: 2_400,
  nonDiscriminating: 2_000,
  doubles: 1_500,
  imported: 1_500,
  diffList: 2_000,
  stacks: 3_000,
  runs: 4_000,
  warnings: 2_000,
} as const;
/** Longest single line of free text (a reason, a summary, an error's first line). */
const LINE = 300;
const TESTS_PER_CELL = 5;
const STACKS_PER_PLATFORM = 3;

/** Markdown fit to paste into a release issue, under 60,000 characters whatever the input. What decides comes
 *  first: the verdict and its reasons, what is newly broken against the baseline, the alerts, then the grid; every
 *  long section after it (history, the cells that need a look with their top failing tests, what is not
 *  discriminating, the rest of the diff, the tested stacks, runs, warnings) is folded in a <details>. Every list is
 *  capped by its section's budget and says how many more the HTML report holds; outcomes and states are listed in
 *  one order, worst first. Pure. */
export function renderMarkdown(report: CompatibilityReport): string {
  const totalTests = Object.values(report.totals).reduce((a, b) => a + b, 0);
  const { history } = report;
  const span = history.firstNight && history.totalNights > 1 ? ` over ${history.totalNights} nights (${history.firstNight} to ${history.nights.at(-1)})` : '';
  const out: string[] = [
    `# CoCo ${report.releaseLabel} compatibility report`,
    '',
    ...(report.candidate ? [`A candidate, derived from ${report.candidate.from}; ${report.candidate.review.length} item(s) of its profile still to review (candidate.review).`, ''] : []),
    `Generated ${report.generatedAt} from ${report.records} record(s)${span}: ${report.runs.length} cell run(s) and ${totalTests} test result(s) as they stand.`,
    '',
    `## Sign-off: ${report.signoff.verdict}`,
    '',
    ...(report.signoff.reasons.length
      ? fitItems(report.signoff.reasons.map((r) => `- ${clip(markdownCell(r), LINE)}`), { budget: BUDGET.reasons, more: (n) => `- ${moreInHtml(n, 'more reasons')}` })
      : ['Every supported claim in scope passed; nothing failed unexpectedly.']),
    '',
  ];
  if (report.signoff.notes.length) {
    out.push(...folded(`${report.signoff.notes.length} note(s) on the sign-off`,
      fitItems(report.signoff.notes.map((n) => `- ${clip(markdownCell(n), LINE)}`), { budget: BUDGET.notes, more: (n) => `- ${moreInHtml(n, 'more notes')}` })));
  }
  if (report.diff) out.push(`## Newly broken against the baseline (${report.diff.newlyBroken.length})`, '', ...diffList(report.diff.newlyBroken, 'Nothing that passed in the baseline fails now.'), '');
  if (history.alerts.length) {
    out.push(`## Alerts: failing ${history.alertAfter} or more nights in a row`, '',
      ...fitItems(history.alerts.map((a) => `- 🚨 ${clip(markdownCell(a), LINE)}`), { budget: BUDGET.alerts, more: (n) => `- ${moreInHtml(n, 'more alerts')}` }), '');
  }
  out.push('## Feature × platform', '', ...gridTable(report), '', STATE_ORDER.map((s) => `${STATE_ICONS[s]} ${s}: ${STATE_MEANINGS[s]}`).join('  \n'), '');
  out.push(...historySection(report));
  const attention = report.grid.flat().filter(needsALook).sort((a, b) => STATE_SEVERITY[a.state] - STATE_SEVERITY[b.state]);
  if (attention.length) {
    out.push('## Cells that need a look', '', ...folded(`${attention.length} cell(s), worst first`,
      fitItems(attention.map((c) => cellDetails(c, report)), { budget: BUDGET.attention, more: (n) => moreInHtml(n, 'more cells') + '\n' })));
  }
  out.push('## Not discriminating', '');
  if (report.nonDiscriminating.length === 0) out.push('None: every test that passed did so where the release claims the feature.', '');
  else {
    out.push(...folded(`${report.nonDiscriminating.length} test(s) passed where the release claims nothing, so they cannot tell a confidential runtime from runc`,
      fitItems(report.nonDiscriminating.map((t) => `- ${markdownCode(t.testId)} on ${t.platforms.join(', ')}: ${clip(markdownCell(t.reason), LINE)}`), { budget: BUDGET.nonDiscriminating, more: (n) => `- ${moreInHtml(n)}` })));
  }
  out.push('## Test doubles used', '');
  if (report.doubles.length === 0) out.push('None: every cell ran against the real components.', '');
  else out.push(...fitItems(report.doubles.map((d) => `- ${clip(markdownCell(`${d.cellId} (${d.runner}): ${d.doubles.join('; ')}`), LINE)}`), { budget: BUDGET.doubles, more: (n) => `- ${moreInHtml(n)}` }), '');
  const imported = report.runs.filter((r) => r.imported);
  if (imported.length) {
    out.push('## Imported from upstream CI', '', 'Results upstream CI ran (its bats), not the harness, merged into the grid:', '',
      ...fitItems(imported.map((r) => `- ${clip(markdownCell(`${r.cellId} (${r.runner}): ${importedFromText(r.imported!)}`), LINE)}`),
        { budget: BUDGET.imported, more: (n) => `- ${moreInHtml(n)}` }), '');
  }
  if (report.diff) out.push(...diffSection(report));
  out.push('## Tested stacks', '', ...folded('the stacks, in the release notes\' words', stacksSection(report)));
  out.push(...runsSection(report));
  if (report.warnings.length) {
    out.push('## Warnings', '', ...folded(`${report.warnings.length} warning(s)`,
      fitItems(report.warnings.map((w) => `- ${clip(markdownCell(w), LINE)}`), { budget: BUDGET.warnings, more: (n) => `- ${moreInHtml(n, 'more warnings')}` })));
  }
  return enforceMarkdownLimit(`${out.join('\n').trimEnd()}\n`);
}

/** A long section folded away: GitHub shows the summary and opens the rest on a click. The blank lines around the
 *  content let GitHub render the Markdown inside. */
function folded(summary: string, lines: readonly string[]): string[] {
  return ['<details>', `<summary>${markdownCell(summary)}</summary>`, '', ...lines, '', '</details>', ''];
}

function needsALook(cell: GridCell): boolean {
  return !['PASS', 'N/A', 'KNOWN-LIMITATION'].includes(cell.state) || cell.history.alert !== undefined;
}

function gridTable(report: CompatibilityReport): string[] {
  const header = `| Feature | ${report.platforms.map((p) => p.name + (p.shipped ? '' : ' (not shipped)')).join(' | ')} |`;
  const rule = `| --- |${report.platforms.map(() => ' --- |').join('')}`;
  const rows = report.grid.map((row, i) => `| ${report.features[i]} | ${row.map((c) =>
    `${STATE_ICONS[c.state]} ${c.state}${shownStateNotJudged(c) ? ' †' : ''}${c.claim?.notTestedUpstream ? ' ‡' : ''}${c.history.alert ? ' 🚨' : ''}`).join(' | ')} |`);
  const dagger = report.grid.flat().some(shownStateNotJudged) ? ['', '† not judged by the sign-off: only cells not required for sign-off made this state.'] : [];
  const notUpstream = report.notTestedUpstream.length
    ? ['', '‡ not tested upstream: the release claims it, upstream CI skips it; tested here.',
      ...report.notTestedUpstream.map((n) => `- ${n.feature} × ${n.platform}: ${clip(markdownCell(n.reason), LINE)}`)]
    : [];
  return [header, rule, ...rows, ...dagger, ...notUpstream];
}

/** One row per cell that has anything to show over the nights, cells with a failure streak first. */
function historySection(report: CompatibilityReport): string[] {
  const { history } = report;
  if (history.nights.length === 0) return [];
  const cells = report.grid.flat()
    .filter((c) => c.history.strip.some((w) => w !== 'N/A'))
    .sort((a, b) => (b.history.failureStreak?.nights ?? 0) - (a.history.failureStreak?.nights ?? 0));
  const columns = history.nights.length > 1 ? `${history.nights[0]} → ${history.nights.at(-1)}` : history.nights[0];
  const legend = (Object.keys(WEATHER_ICONS) as (keyof typeof WEATHER_ICONS)[]).map((w) => `${WEATHER_ICONS[w]} ${w}: ${WEATHER_MEANINGS[w]}`).join(' · ');
  const rows = cells.map((c) => `| ${c.feature} × ${c.platform} | ${weatherText(c.history.strip)} | ${c.history.lastPassed ?? 'never'} | ${streakText(c)} | ${c.history.flakinessPercent === undefined ? '–' : `${c.history.flakinessPercent}%`} |`);
  return [
    `## History: the last ${history.nights.length} night(s)`,
    '',
    ...folded(`${cells.length} cell(s), failure streaks first`, [
      `One square a night, oldest left, newest right (${columns}). ${legend}. An alert is ${history.alertAfter} failing nights in a row.`,
      '',
      ...fitItems(rows, { budget: BUDGET.history, head: ['| Cell | Weather | Last passed | Failure streak | Flakiness |', '| --- | --- | --- | --- | --- |'], more: (n) => `\n${moreInHtml(n, 'more cells')}` }),
    ]),
  ];
}

function streakText(cell: GridCell): string {
  const streak = cell.history.failureStreak;
  if (!streak) return '–';
  return `${streak.nights} night(s) since ${streak.firstNight}${cell.history.alert ? ' 🚨' : ''}`;
}

function cellDetails(cell: GridCell, report: CompatibilityReport): string {
  const lines = [`### ${cell.feature} × ${cell.platform}: ${cell.state}`, '', clip(markdownCell(cell.summary), LINE * 2), ''];
  if (cell.claim) lines.push(clip(`Claim: ${cell.claim.status}${cell.claim.note ? ` (${markdownCell(cell.claim.note)})` : ''}${cell.claim.issue ? ` ${cell.claim.issue}` : ''}`, LINE), '');
  if (cell.notRequired) lines.push(clip(`Not required for sign-off: ${markdownCell(cell.notRequired.runs.join(', '))}`, LINE), '');
  const h = cell.history;
  if (report.history.nights.length) {
    const streak = h.failureStreak ? `; failing ${h.failureStreak.nights} night(s) since ${h.failureStreak.firstNight}` : '';
    lines.push(`History: ${weatherText(h.strip)} (last passed ${h.lastPassed ?? 'never'}${streak})`, '');
  }
  const byTest = new Map(h.tests.map((t) => [`${t.runner}|${t.cellId}|${t.project}|${t.testId}`, t]));
  const historyOf = (t: MergedTest) => byTest.get(`${t.runner}|${t.cellId}|${t.project}|${t.id}`);
  const shown = cell.tests.filter((t) => !['passed', 'expected-failure'].includes(t.outcome))
    .sort((a, b) => OUTCOME_SEVERITY[a.outcome] - OUTCOME_SEVERITY[b.outcome] || (historyOf(b)?.failedNights ?? 0) - (historyOf(a)?.failedNights ?? 0));
  if (shown.length) {
    const window = report.history.nights.length;
    const rows = shown.map((t) => testRow(t, historyOf(t), window));
    const budget = BUDGET.attentionCell - lines.join('\n').length;
    lines.push(...fitItems(rows, {
      budget, maxItems: TESTS_PER_CELL, more: (n) => `\n${moreInHtml(n, 'more tests')}`,
      head: [`| Test | Outcome | Runner | Cell | Failed nights (of ${window}) | Duration | Retries | Error |`, '| --- | --- | --- | --- | --- | --- | --- | --- |'],
    }), '');
  }
  return lines.join('\n');
}

function testRow(t: MergedTest, history: TestHistory | undefined, window: number): string {
  const attempts = t.history.length > 1 ? ` (${clip(t.history.join(' → '), 120)})` : '';
  const why = t.outcome === 'failed-wrong-reason' && t.failureSignature
    ? `expected at "${t.failureSignature.step}", failed at "${t.failureSignature.failedStep}": ${t.failureSignature.error}`
    : t.error ?? t.skipReason ?? '';
  const failed = history ? `${history.failedNights}/${window} ${weatherText(history.strip)}` : '–';
  return `| ${markdownCode(clip(t.id, 80), true)} | ${t.outcome}${attempts} | ${clip(markdownCell(t.runner), 60)} | ${clip(markdownCell(t.cellId), 80)} | ${failed} | ${formatDuration(t.durationMs)} | ${t.retries} | ${markdownCell(firstLine(why))} |`;
}

function diffList(entries: readonly DiffEntry[], none: string): string[] {
  if (entries.length === 0) return [none];
  return fitItems(entries.map((e) => `- ${markdownCode(e.testId)} on ${e.platform}: ${e.before} → ${e.after}`), { budget: BUDGET.diffList, more: (n) => `- ${moreInHtml(n)}` });
}

/** The rest of the diff (newly broken is at the top of the report). */
function diffSection(report: CompatibilityReport): string[] {
  const diff = report.diff!;
  const list = (title: string, entries: DiffEntry[]) => [`### ${title} (${entries.length})`, '', ...diffList(entries, 'None.'), ''];
  const changes = diff.newlyPassing.length + diff.newlyCovered.length + diff.noLongerCovered.length;
  return [
    `## Other changes against the baseline (${diff.records} baseline record(s))`,
    '',
    ...folded(`${changes} change(s)`, [
      ...list('Newly passing', diff.newlyPassing),
      ...list('Newly covered', diff.newlyCovered),
      ...list('No longer covered', diff.noLongerCovered),
    ]),
  ];
}

/** Whole platforms, in the release notes' words, as many as the budget holds. */
function stacksSection(report: CompatibilityReport): string[] {
  const groups = report.testedStacks.map((g) => renderTestedStacksMarkdown([g], 3, STACKS_PER_PLATFORM).replace(/^This release has been tested on the following stacks:\n\n/, '').trimEnd());
  if (groups.length === 0) return [renderTestedStacksMarkdown([], 3)];
  return ['This release has been tested on the following stacks:', '',
    ...fitItems(groups.map((g) => `${g}\n`), { budget: BUDGET.stacks, more: (n) => `${moreInHtml(n, 'more platforms')}\n` })];
}

/** Runs that need a look first: infrastructure errors, unfinished or interrupted runs, failures. */
function runsSection(report: CompatibilityReport): string[] {
  const trouble = (run: RunSummary) => (run.infraError ? 0 : run.unfinished || run.status !== 'complete' ? 1 : (run.counts.failed ?? 0) + (run.counts['failed-wrong-reason'] ?? 0) > 0 ? 2 : 3);
  const runs = [...report.runs].sort((a, b) => trouble(a) - trouble(b));
  const rows = runs.map((run) => {
    const counts = countsText(run.counts);
    const status = run.infraError ? `${run.status} (${clip(markdownCell(run.infraError.step), 60)})`
      : run.unfinished ? `${run.status} (${run.unfinished.length} planned test(s) never finished)` : run.status;
    const nights = run.nights > 1 ? `${run.nights} (${run.firstNight} to ${run.lastNight})` : run.lastNight;
    return `| ${clip(markdownCell(run.runner), 60)} | ${clip(markdownCell(run.cellId), 80)} | ${status} | ${counts} | ${nights} | ${run.doubles.length ? 'yes' : 'no'} |`;
  });
  return ['## Runs', '', ...folded(`${runs.length} cell run(s), trouble first`,
    fitItems(rows, { budget: BUDGET.runs, head: ['| Runner | Cell | Status | Tests (newest night) | Nights | Doubles |', '| --- | --- | --- | --- | --- | --- |'], more: (n) => `\n${moreInHtml(n, 'more runs')}` }))];
}
