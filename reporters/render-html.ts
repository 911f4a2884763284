import { importedFromText, type CompatibilityReport, type GridCell, type RunSummary } from './compatibility-report.ts';
import type { MergedTest } from './merged-results.ts';
import type { TestHistory, Weather } from './cell-history.ts';
import { REPORT_CSS, REPORT_JS } from './html-assets.ts';
import { OUTCOME_SEVERITY, STATE_MEANINGS, STATE_ORDER, WEATHER_MEANINGS, cellAnchor, countsText, escapeHtml as h, formatDuration } from './render-text.ts';
import { stackLines } from './render-tested-stacks.ts';
import { shownStateNotJudged } from './signoff-verdict.ts';

/** One self-contained HTML page, the grid first: the verdict in one line, filters (state, platform, feature), the
 *  feature × platform grid, each cell a link to a panel with its state, history over the nights and its tests —
 *  outcomes, errors, durations, artifacts, runner, cell id and environment; then the verdict's reasons, each naming
 *  its runners and first failing night and linking its cell, and the alerts. Every history square says its night,
 *  weather and runner(s) in a tooltip. Squares share a cell's width, so 30 nights fit as 10 do.
 *  Everything escaped; nothing fetched. The tests of a cell are the bulk of a big report, so they travel as JSON
 *  (one <script type="application/json"> per cell, parsed only when the cell is opened) and the inline script
 *  draws them: the page opens at the speed of its grid, however many runners and tests it holds. Pure. */
export function renderHtml(report: CompatibilityReport): string {
  const runs = new Map(report.runs.map((r) => [`${r.runner}|${r.cellId}`, r]));
  const { history } = report;
  const span = history.firstNight && history.totalNights > 1 ? ` over ${history.totalNights} nights (${h(history.firstNight)} to ${h(history.nights.at(-1)!)})` : '';
  const body = [
    `<h1>CoCo ${h(report.releaseLabel)} compatibility report</h1>`,
    ...(report.candidate ? [`<p>A candidate, derived from ${h(report.candidate.from)}; ${report.candidate.review.length} item(s) of its profile still to review (candidate.review).</p>`] : []),
    `<p class="muted">Generated ${h(report.generatedAt)} from ${report.records} record(s)${span}: ${report.runs.length} cell run(s).</p>`,
    `<p class="verdict-line">Sign-off: <span id="verdict" class="verdict v-${report.signoff.verdict}">${report.signoff.verdict}</span> <a href="#signoff">why</a></p>`,
    filtersForm(report),
    '<h2>Feature × platform</h2>',
    gridTable(report),
    `<p class="muted">${STATE_ORDER.map((s) => `<span class="s-${cls(s)}">&nbsp;${s}&nbsp;</span> ${h(STATE_MEANINGS[s])}`).join(' · ')}` +
      `${report.grid.flat().some(shownStateNotJudged) ? ' · † not judged by the sign-off: only cells not required for sign-off made this state' : ''}` +
      `${report.notTestedUpstream.length ? ' · ‡ not tested upstream: the release claims it, upstream CI skips it; tested here' : ''}</p>`,
    notTestedUpstreamSection(report),
    history.nights.length ? `<p class="muted">Under each state, the last ${history.nights.length} night(s), oldest left: ${(Object.keys(WEATHER_MEANINGS) as Weather[]).map((w) => `<i class="sq w-${cls(w)}"></i> ${w} ${h(WEATHER_MEANINGS[w])}`).join(' · ')}.</p>` : '',
    ...report.grid.flat().map((cell) => cellPanel(cell, report, runs)),
    signoffSection(report),
    alertsSection(report),
    nonDiscriminatingSection(report),
    doublesSection(report),
    importedSection(report),
    diffSection(report),
    stacksSection(report),
    runsSection(report),
    report.warnings.length ? `<h2>Warnings (${report.warnings.length})</h2><details id="warnings"><summary>show</summary><ul>${report.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul></details>` : '',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CoCo ${h(report.releaseLabel)} compatibility report</title>
<style>${REPORT_CSS}</style></head>
<body>
${body.filter(Boolean).join('\n')}
<script>${REPORT_JS}</script>
</body></html>
`;
}

const cls = (state: string) => state.replace('/', '');

/** The verdict's reasons, each a link to the cell it is about. */
function signoffSection(report: CompatibilityReport): string {
  const s = report.signoff;
  const reasons = s.reasons.map((r, i) => {
    const cell = s.reasonCells[i];
    if (!cell) return `<li>${h(r)}</li>`;
    const since = cell.firstFailingNight ? ` data-since="${h(cell.firstFailingNight)}"` : '';
    return `<li class="reason" data-feature="${h(cell.feature)}" data-platform="${h(cell.platform)}" data-runners="${h(cell.runners.join(', '))}"${since}><a href="#${cellAnchor(cell.feature, cell.platform)}">${h(r)}</a></li>`;
  });
  const notes = s.notes.map((n) => `<li class="muted">note: ${h(n)}</li>`);
  const why = s.reasons.length ? `<ul id="reasons">${reasons.join('')}</ul>` : '<p>Every supported claim in scope passed; nothing failed unexpectedly.</p>';
  return `<h2 id="signoff">Sign-off: ${s.verdict}</h2><p class="muted">Platforms judged: ${h(s.scope.join(', ') || 'none')}.</p>${why}` +
    `${notes.length ? `<details><summary>${notes.length} note(s)</summary><ul>${notes.join('')}</ul></details>` : ''}`;
}

/** Filters over the grid; the page's script applies them (without it, the whole grid shows). */
function filtersForm(report: CompatibilityReport): string {
  const select = (id: string, label: string, values: readonly { value: string; text: string }[]) =>
    `<label>${label} <select id="filter-${id}" data-filter="${id}"><option value="">any</option>${values.map((v) => `<option value="${h(v.value)}">${h(v.text)}</option>`).join('')}</select></label>`;
  const present = new Set(report.grid.flat().map((c) => c.state));
  return `<form id="filters" class="filters" role="search" aria-label="filter the grid">${[
    select('state', 'State', STATE_ORDER.filter((st) => present.has(st)).map((st) => ({ value: st, text: st }))),
    select('platform', 'Platform', report.platforms.map((p) => ({ value: p.id, text: p.name }))),
    select('feature', 'Feature', report.features.map((f) => ({ value: f, text: f }))),
  ].join(' ')}</form>`;
}

function alertsSection(report: CompatibilityReport): string {
  const { alerts, alertAfter } = report.history;
  if (!alerts.length) return '';
  return `<h2>Alerts</h2><p class="muted">Cells failing ${alertAfter} or more nights in a row.</p><ul id="alerts">${alerts.map((a) => `<li class="alert">${h(a)}</li>`).join('')}</ul>`;
}

function gridTable(report: CompatibilityReport): string {
  const head = report.platforms.map((p) => `<th data-platform="${h(p.id)}" title="${h(p.runtimeClass ?? '')}">${h(p.name)}${p.shipped ? '' : ' <span class="muted">(not shipped)</span>'}</th>`).join('');
  const rows = report.grid.map((row, i) => {
    const cells = row.map((c) => {
      const anchor = cellAnchor(c.feature, c.platform);
      const mini = c.history.strip.map((w, night) => `<i class="sq w-${cls(w)}" title="${h(squareTitle(c, report, night))}"></i>`).join('');
      return `<td data-platform="${h(c.platform)}"><a class="state s-${cls(c.state)}" href="#${anchor}" aria-controls="${anchor}" aria-expanded="false" data-feature="${c.feature}" data-platform="${c.platform}" data-state="${c.state}"${c.history.alert ? ' data-alert="true"' : ''}${shownStateNotJudged(c) ? ' data-not-judged="true"' : ''}${c.claim?.notTestedUpstream ? ' data-not-tested-upstream="true"' : ''} title="${h(titleOf(c))}">${c.state}<span class="mini" aria-hidden="true">${mini}</span></a></td>`;
    });
    return `<tr data-feature="${h(report.features[i]!)}"><th>${h(report.features[i]!)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="grid" id="grid"><thead><tr><th>Feature</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A history square's tooltip: its night, the cell's weather that night and the runner(s) that made it. */
function squareTitle(cell: GridCell, report: CompatibilityReport, night: number): string {
  const weather = cell.history.strip[night]!;
  const made = cell.history.tests.filter((t) => t.strip[night] === weather);
  const runners = [...new Set(made.map((t) => t.runner))].sort();
  const shown = runners.length > MAX_TOOLTIP_RUNNERS ? `${runners.slice(0, MAX_TOOLTIP_RUNNERS).join(', ')} and ${runners.length - MAX_TOOLTIP_RUNNERS} more` : runners.join(', ');
  return `${report.history.nights[night]}: ${weather} — ${shown || 'no runner reported a result'}`;
}

/** Runners a tooltip names before it counts the rest (a cell of 60 runners stays readable). */
const MAX_TOOLTIP_RUNNERS = 6;

function titleOf(cell: GridCell): string {
  const notJudged = shownStateNotJudged(cell) ? ' — not judged by the sign-off: only cells not required for sign-off made this state' : '';
  const notUpstream = cell.claim?.notTestedUpstream ? ` — not tested upstream: ${cell.claim.notTestedUpstream}` : '';
  return `${cell.summary}${notJudged}${notUpstream}${cell.history.alert ? ` — ${cell.history.alert}` : ''}`;
}

function cellPanel(cell: GridCell, report: CompatibilityReport, runs: Map<string, RunSummary>): string {
  const anchor = cellAnchor(cell.feature, cell.platform);
  const claim = cell.claim
    ? `<p>Claim: <b>${h(cell.claim.status)}</b>${cell.claim.note ? ` — ${h(cell.claim.note)}` : ''}${cell.claim.issue ? ` (<a href="${h(cell.claim.issue)}">${h(cell.claim.issue)}</a>)` : ''}</p>` +
      (cell.claim.notTestedUpstream ? `<p class="not-tested-upstream">Not tested upstream: ${h(cell.claim.notTestedUpstream)}</p>` : '')
    : '<p>Claim: none (the release claims nothing here)</p>';
  const notRequired = cell.notRequired
    ? `<p class="not-required">Not required for sign-off: ${h(cell.notRequired.runs.join(', '))}${cell.notRequired.judged ? ` — the sign-off judges the required cells alone: ${cell.notRequired.judged.state}` : ' — nothing here is judged'}</p>`
    : '';
  const tests = cell.tests.length
    ? `<div class="tests" data-source="data-${anchor}"><p class="muted">The ${cell.tests.length} test(s) of this cell are drawn by the page's script; report.json holds them too.</p></div>` +
      `<script type="application/json" id="data-${anchor}">${jsonForScript(cellData(cell, report, runs))}</script>`
    : '<p class="muted">No test results.</p>';
  return `<section class="detail" id="${anchor}" data-state="${cell.state}">
<h3>${h(cell.feature)} × ${h(cell.platform)}: <span class="s-${cls(cell.state)}">${cell.state}</span></h3>
<p>${h(cell.summary)}</p>${claim}${notRequired}${historyBlock(cell, report)}${tests}</section>`;
}

function historyBlock(cell: GridCell, report: CompatibilityReport): string {
  const { nights } = report.history;
  if (!nights.length) return '';
  const c = cell.history;
  const strip = `<ol class="weather" aria-label="the last ${nights.length} night(s), oldest first">${c.strip.map((w, i) =>
    `<li class="w-${cls(w)}" data-night="${h(nights[i]!)}" data-weather="${w}" title="${h(squareTitle(cell, report, i))}"><span>${h(nights[i]!.slice(5))}</span></li>`).join('')}</ol>`;
  const facts = [
    `last passed <b class="last-passed">${h(c.lastPassed ?? 'never')}</b>`,
    c.failureStreak ? `failing <b class="streak">${c.failureStreak.nights} night(s)</b> since <b class="streak-first">${h(c.failureStreak.firstNight)}</b>` : 'no failure streak',
    `flakiness <b class="flakiness">${c.flakinessPercent === undefined ? '–' : `${c.flakinessPercent}%`}</b> over the window`,
  ];
  const alert = c.alert ? `<p class="alert">${h(c.alert)}</p>` : '';
  return `<div class="history">${strip}<p>${facts.join(' · ')}</p>${alert}</div>`;
}

/** What the page's script needs to draw a cell's tests: text only (the script sets textContent, never HTML). */
function cellData(cell: GridCell, report: CompatibilityReport, runs: Map<string, RunSummary>) {
  const byTest = new Map(cell.history.tests.map((t) => [`${t.runner}|${t.cellId}|${t.project}|${t.testId}`, t]));
  return {
    nights: report.history.nights,
    // Worst first: in a cell of many runners the failures are on top (the sort is stable, so ties keep the model's order).
    tests: [...cell.tests].sort((a, b) => OUTCOME_SEVERITY[a.outcome] - OUTCOME_SEVERITY[b.outcome])
      .map((t) => testData(t, byTest.get(`${t.runner}|${t.cellId}|${t.project}|${t.id}`))),
    environments: [...new Set(cell.tests.map((t) => t.runKey))].flatMap((key) => (runs.get(key) ? [environmentData(runs.get(key)!)] : [])),
  };
}

function testData(t: MergedTest, history: TestHistory | undefined) {
  const data: Record<string, unknown> = {
    id: t.id, title: t.title, project: t.project, outcome: t.outcome, runner: t.runner, cellId: t.cellId, night: t.night,
    duration: formatDuration(t.durationMs), retries: t.retries,
  };
  if (t.history.length > 1) data.attempts = t.history.join(' → ');
  if (t.error) data.error = t.error;
  if (t.skipReason) data.skipReason = t.skipReason;
  if (t.nonDiscriminating) data.nonDiscriminating = t.nonDiscriminating;
  if (t.failureSignature) data.signature = signatureText(t.failureSignature);
  if (t.artifacts.length) data.artifacts = t.artifacts.map((a) => [fileHref(a), a]);
  if (history) data.strip = history.strip;
  return data;
}

/** Where an expected failure had to fail and where it did. */
function signatureText(s: NonNullable<MergedTest['failureSignature']>): string {
  const verdict = s.matched ? 'failed as its signature says' : `failed at "${s.failedStep}" instead`;
  return `signature: at "${s.step}", error /${s.pattern}/i — ${verdict}: ${s.error}`;
}

function environmentData(run: RunSummary) {
  const facts = Object.entries(run.environment).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  return {
    summary: `Environment of ${run.runner} — ${run.cellId} (${run.status}, night ${run.lastNight}, runs ${run.runIds.join(', ')})`,
    doubles: run.doubles.join('; '),
    facts,
  };
}

/** JSON inside a <script> element: nothing in it may close the element or open a comment. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function fileHref(path: string): string {
  return /^[a-z]+:\/\//i.test(path) ? path : `file://${path.startsWith('/') ? '' : '/'}${path.split('/').map(encodeURIComponent).join('/')}`;
}

function notTestedUpstreamSection(report: CompatibilityReport): string {
  if (!report.notTestedUpstream.length) return '';
  const items = report.notTestedUpstream.map((n) => `<li>${h(n.feature)} × ${h(n.platform)}: ${h(n.reason)}</li>`);
  return `<h2>Not tested upstream</h2><ul id="not-tested-upstream">${items.join('')}</ul>`;
}

function nonDiscriminatingSection(report: CompatibilityReport): string {
  const items = report.nonDiscriminating.map((t) => `<li><code>${h(t.testId)}</code> on ${h(t.platforms.join(', '))}: ${h(t.reason)}</li>`);
  return `<h2>Not discriminating</h2><p>Tests that passed where the release claims nothing: they cannot tell a confidential runtime from runc.</p>${items.length ? `<ul id="non-discriminating">${items.join('')}</ul>` : '<p>None.</p>'}`;
}

function importedSection(report: CompatibilityReport): string {
  const items = report.runs.filter((r) => r.imported).map((r) => `<li>${h(r.cellId)} (${h(r.runner)}): ${h(importedFromText(r.imported!))}</li>`);
  return items.length ? `<h2>Imported from upstream CI</h2><p>Results upstream CI ran (its bats), not the harness, merged into the grid:</p><ul>${items.join('')}</ul>` : '';
}

function doublesSection(report: CompatibilityReport): string {
  const items = report.doubles.map((d) => `<li>${h(d.cellId)} (${h(d.runner)}): ${h(d.doubles.join('; '))}</li>`);
  return `<h2>Test doubles used</h2>${items.length ? `<ul>${items.join('')}</ul>` : '<p>None: every cell ran against the real components.</p>'}`;
}

function diffSection(report: CompatibilityReport): string {
  if (!report.diff) return '';
  const part = (title: string, entries: NonNullable<CompatibilityReport['diff']>['newlyBroken']) =>
    `<h3>${title} (${entries.length})</h3>${entries.length ? `<ul>${entries.map((e) => `<li><code>${h(e.testId)}</code> on ${h(e.platform)}: ${e.before} → ${e.after}</li>`).join('')}</ul>` : ''}`;
  const d = report.diff;
  return `<h2>Changes against the baseline</h2>${part('Newly broken', d.newlyBroken)}${part('Newly passing', d.newlyPassing)}${part('Newly covered', d.newlyCovered)}${part('No longer covered', d.noLongerCovered)}`;
}

function stacksSection(report: CompatibilityReport): string {
  const groups = report.testedStacks.map((g) => `<h3>${h(g.name)}</h3>${g.stacks.map((s) =>
    `<ul>${stackLines(s).map(([k, v]) => `<li>${h(k)}: ${h(v)}</li>`).join('')}<li class="muted">runner(s): ${h(s.runners.join(', '))}</li></ul>`).join('')}`);
  return `<h2>Tested stacks</h2><p>This release has been tested on the following stacks:</p>${groups.join('') || '<p>None.</p>'}`;
}

function runsSection(report: CompatibilityReport): string {
  const rows = report.runs.map((r) => {
    const nights = r.nights > 1 ? `${r.nights} (${h(r.firstNight)} to ${h(r.lastNight)})` : h(r.lastNight);
    return `<tr><td>${h(r.runner)}</td><td>${h(r.cellId)}${r.cell.required ? '' : ' <span class="muted">(not required)</span>'}</td><td>${h(r.status)}${r.infraError ? `: ${h(r.infraError.step)} — ${h(r.infraError.message)}` : ''}</td><td>${h(countsText(r.counts))}</td><td>${nights}</td></tr>`;
  });
  return `<h2>Runs</h2><table><thead><tr><th>Runner</th><th>Cell</th><th>Status</th><th>Tests (newest night)</th><th>Nights</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
