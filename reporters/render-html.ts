import type { CompatibilityReport, GridCell, RunSummary } from './compatibility-report.ts';
import type { MergedTest } from './merged-results.ts';
import { GRID_STATES } from './compatibility-report.ts';
import { REPORT_CSS, REPORT_JS } from './html-assets.ts';
import { STATE_MEANINGS, cellAnchor, escapeHtml as h, formatDuration } from './render-text.ts';
import { stackLines } from './render-tested-stacks.ts';

/** One self-contained HTML page: the feature × platform grid, each cell a link to a panel with its tests, outcomes,
 *  errors, durations, artifacts, runner, cell id and environment. Everything escaped; nothing fetched. Pure. */
export function renderHtml(report: CompatibilityReport): string {
  const runs = new Map(report.runs.map((r) => [`${r.runner}|${r.cellId}`, r]));
  const body = [
    `<h1>CoCo ${h(report.release)} compatibility report</h1>`,
    `<p class="muted">Generated ${h(report.generatedAt)} from ${report.runs.length} cell run(s).</p>`,
    signoffSection(report),
    '<h2>Feature × platform</h2>',
    gridTable(report),
    `<p class="muted">${GRID_STATES.map((s) => `<span class="s-${cls(s)}">&nbsp;${s}&nbsp;</span> ${h(STATE_MEANINGS[s])}`).join(' · ')}</p>`,
    ...report.grid.flat().map((cell) => cellPanel(cell, runs)),
    nonDiscriminatingSection(report),
    doublesSection(report),
    diffSection(report),
    stacksSection(report),
    runsSection(report),
    report.warnings.length ? `<h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>` : '',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CoCo ${h(report.release)} compatibility report</title>
<style>${REPORT_CSS}</style></head>
<body>
${body.filter(Boolean).join('\n')}
<script>${REPORT_JS}</script>
</body></html>
`;
}

const cls = (state: string) => state.replace('/', '');

function signoffSection(report: CompatibilityReport): string {
  const s = report.signoff;
  const items = [...s.reasons.map((r) => `<li>${h(r)}</li>`), ...s.notes.map((n) => `<li class="muted">note: ${h(n)}</li>`)];
  return `<h2>Sign-off</h2><p><span id="verdict" class="verdict v-${s.verdict}">${s.verdict}</span></p>${items.length ? `<ul>${items.join('')}</ul>` : ''}`;
}

function gridTable(report: CompatibilityReport): string {
  const head = report.platforms.map((p) => `<th title="${h(p.runtimeClass ?? '')}">${h(p.name)}${p.shipped ? '' : ' <span class="muted">(not shipped)</span>'}</th>`).join('');
  const rows = report.grid.map((row, i) => {
    const cells = row.map((c) => {
      const anchor = cellAnchor(c.feature, c.platform);
      return `<td><a class="state s-${cls(c.state)}" href="#${anchor}" aria-controls="${anchor}" aria-expanded="false" data-feature="${c.feature}" data-platform="${c.platform}" data-state="${c.state}" title="${h(c.summary)}">${c.state}</a></td>`;
    });
    return `<tr><th>${h(report.features[i]!)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="grid" id="grid"><thead><tr><th>Feature</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function cellPanel(cell: GridCell, runs: Map<string, RunSummary>): string {
  const anchor = cellAnchor(cell.feature, cell.platform);
  const claim = cell.claim
    ? `<p>Claim: <b>${h(cell.claim.status)}</b>${cell.claim.note ? ` — ${h(cell.claim.note)}` : ''}${cell.claim.issue ? ` (<a href="${h(cell.claim.issue)}">${h(cell.claim.issue)}</a>)` : ''}</p>`
    : '<p>Claim: none (the release claims nothing here)</p>';
  const tests = cell.tests.length
    ? `<table class="tests"><thead><tr><th>Test</th><th>Outcome</th><th>Runner / cell</th><th>Duration</th><th>Retries</th><th>Error, reason, artifacts</th></tr></thead><tbody>${cell.tests.map(testRow).join('')}</tbody></table>`
    : '<p class="muted">No test results.</p>';
  const envs = [...new Set(cell.tests.map((t) => t.runKey))].flatMap((key) => (runs.get(key) ? [environmentBlock(runs.get(key)!)] : []));
  return `<section class="detail" id="${anchor}" data-state="${cell.state}">
<h3>${h(cell.feature)} × ${h(cell.platform)}: <span class="s-${cls(cell.state)}">${cell.state}</span></h3>
<p>${h(cell.summary)}</p>${claim}${tests}${envs.join('')}</section>`;
}

function testRow(t: MergedTest): string {
  const history = t.history.length > 1 ? `<div class="muted">${h(t.history.join(' → '))}</div>` : '';
  const notes = [
    t.error ? `<details><summary>error</summary><pre>${h(t.error)}</pre></details>` : '',
    t.skipReason ? `<div>skipped: ${h(t.skipReason)}</div>` : '',
    t.nonDiscriminating ? `<div class="muted">not discriminating: ${h(t.nonDiscriminating)}</div>` : '',
    t.failureSignature ? `<div class="signature">${signatureText(t.failureSignature)}</div>` : '',
    t.artifacts.length ? `<ul>${t.artifacts.map((a) => `<li><a href="${h(fileHref(a))}">${h(a)}</a></li>`).join('')}</ul>` : '',
  ].join('');
  return `<tr data-test="${h(t.id)}" data-outcome="${t.outcome}"><td><code>${h(t.id)}</code><div class="muted">${h(t.title)} [${h(t.project)}]</div></td>` +
    `<td class="o-${t.outcome}">${t.outcome}${history}</td><td>${h(t.runner)}<div class="muted">${h(t.cellId)}</div></td>` +
    `<td>${formatDuration(t.durationMs)}</td><td>${t.retries}</td><td>${notes}</td></tr>`;
}

/** Where an expected failure had to fail and where it did. */
function signatureText(s: NonNullable<MergedTest['failureSignature']>): string {
  const verdict = s.matched ? 'failed as its signature says' : `failed at "${h(s.failedStep)}" instead`;
  return `signature: at "${h(s.step)}", error /${h(s.pattern)}/i — ${verdict}: <code>${h(s.error)}</code>`;
}

function environmentBlock(run: RunSummary): string {
  const facts = Object.entries(run.environment).filter(([, v]) => v !== undefined && v !== '');
  const rows = facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(typeof v === 'string' ? v : JSON.stringify(v))}</dd>`).join('');
  const doubles = run.doubles.length ? `<p>Test doubles: ${h(run.doubles.join('; '))}</p>` : '';
  return `<details class="env"><summary>Environment of ${h(run.runner)} — ${h(run.cellId)} (${h(run.status)}, runs ${h(run.runIds.join(', '))})</summary>${doubles}<dl class="env">${rows || '<dt>facts</dt><dd>none captured</dd>'}</dl></details>`;
}

function fileHref(path: string): string {
  return /^[a-z]+:\/\//i.test(path) ? path : `file://${path.startsWith('/') ? '' : '/'}${path.split('/').map(encodeURIComponent).join('/')}`;
}

function nonDiscriminatingSection(report: CompatibilityReport): string {
  const items = report.nonDiscriminating.map((t) => `<li><code>${h(t.testId)}</code> on ${h(t.platforms.join(', '))}: ${h(t.reason)}</li>`);
  return `<h2>Not discriminating</h2><p>Tests that passed where the release claims nothing: they cannot tell a confidential runtime from runc.</p>${items.length ? `<ul id="non-discriminating">${items.join('')}</ul>` : '<p>None.</p>'}`;
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
  const rows = report.runs.map((r) => `<tr><td>${h(r.runner)}</td><td>${h(r.cellId)}</td><td>${h(r.status)}${r.infraError ? `: ${h(r.infraError.step)} — ${h(r.infraError.message)}` : ''}</td><td>${h(Object.entries(r.counts).map(([o, n]) => `${n} ${o}`).join(', '))}</td></tr>`);
  return `<h2>Runs</h2><table><thead><tr><th>Runner</th><th>Cell</th><th>Status</th><th>Tests</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
