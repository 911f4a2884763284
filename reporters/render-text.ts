import type { GridState } from './grid-state.ts';
import type { Weather } from './cell-history.ts';
import type { Outcome } from './result-record.ts';

/** Small text helpers shared by the renderers. */

export const STATE_ICONS: Record<GridState, string> = {
  PASS: '✅', FAIL: '❌', FLAKY: '⚠️', 'KNOWN-LIMITATION': '🟡', 'LIMITATION-PASSED': '❗', 'NOT-RUN': '⬜', 'INFRA-FAIL': '🔧', 'N/A': '➖',
};

export const STATE_MEANINGS: Record<GridState, string> = {
  PASS: 'supported, and every test passed on at least one runner',
  FAIL: 'a test failed unexpectedly, or passed where the release claims nothing',
  FLAKY: 'passed, but only after a retry or a rerun',
  'KNOWN-LIMITATION': 'a limitation (or no claim) and the tests behaved exactly so',
  'LIMITATION-PASSED': 'a limitation test passed: the release notes may be out of date',
  'NOT-RUN': 'claimed, but no result',
  'INFRA-FAIL': 'claimed, but provisioning or install failed before the tests ran',
  'N/A': 'not applicable, not shipped, or nothing claimed and nothing run',
};

/** Weather columns as the kata CI dashboard draws them: one square a night, newest right. */
export const WEATHER_ICONS: Record<Weather, string> = { PASS: '🟩', FAIL: '🟥', FLAKY: '🟨', INFRA: '🟧', 'NOT-RUN': '⬜', 'N/A': '➖' };

export const WEATHER_MEANINGS: Record<Weather, string> = {
  PASS: 'behaved as the release says', FAIL: 'failed', FLAKY: 'passed only after a retry or rerun',
  INFRA: 'infrastructure failed before the tests ran', 'NOT-RUN': 'claimed, but no (or no complete) result that night',
  'N/A': 'not applicable, not shipped, or nothing claimed and nothing run: not judged',
};

export function weatherText(strip: readonly Weather[]): string {
  return strip.map((w) => WEATHER_ICONS[w]).join('');
}

/** Outcomes worst first, for lists a reader scans from the top (and a capped list cuts from the bottom): the one
 *  order every report lists outcomes in (test rows, counts). */
export const OUTCOME_SEVERITY: Record<Outcome, number> = {
  failed: 0, 'failed-wrong-reason': 1, 'unexpected-pass': 2, 'infra-error': 3, flaky: 4, skipped: 5, passed: 6, 'expected-failure': 7,
};
export const OUTCOME_ORDER = (Object.keys(OUTCOME_SEVERITY) as Outcome[]).sort((a, b) => OUTCOME_SEVERITY[a] - OUTCOME_SEVERITY[b]);

/** Grid states worst first, in the same spirit: the order of the legend and of the cells that need a look. */
export const STATE_SEVERITY: Record<GridState, number> = {
  FAIL: 0, 'LIMITATION-PASSED': 1, 'INFRA-FAIL': 2, 'NOT-RUN': 3, FLAKY: 4, PASS: 5, 'KNOWN-LIMITATION': 6, 'N/A': 7,
};
export const STATE_ORDER = (Object.keys(STATE_SEVERITY) as GridState[]).sort((a, b) => STATE_SEVERITY[a] - STATE_SEVERITY[b]);

/** Outcome counts as one line, in the one outcome order: "1 failed, 3 passed". */
export function countsText(counts: Partial<Record<Outcome, number>>): string {
  return OUTCOME_ORDER.filter((o) => counts[o]).map((o) => `${counts[o]} ${o}`).join(', ') || 'none';
}

/** What no XML 1.0 document may hold (C0 controls but tab and line breaks, U+FFFE/U+FFFF, a lone surrogate), plus
 *  DEL: a record can hold anything (a NUL, a terminal's ESC), and the report must still parse and show it. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text with every character a page, an XML parser or a terminal would act on or refuse replaced by U+FFFD, so the
 *  reader sees that something was there. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\uFFFD');
}

/** Text for HTML and XML, elements and attributes alike: printable, and markup escaped. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A word joiner: invisible, and no GitHub reference (`@user`, `#12`, `:emoji:`) spans it. */
const JOINER = '\u2060';

/** Text for one line of Markdown (a table cell, a list item) that GitHub shows as written, whatever a record holds:
 *  no HTML (`<img onerror>`, `<script>`), no emphasis, link, code span or strike-through, no table column break, no
 *  block (a heading, a quote, a list) at its start, no @mention, issue reference or emoji, one line. Markdown
 *  punctuation is backslash-escaped (CommonMark escapes any ASCII punctuation); GitHub's references are resolved
 *  after that, on the text, so a word joiner breaks them instead. */
export function markdownCell(text: string): string {
  return printable(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>&|~#]/g, '\\$&')
    .replace(/^(?:[-+]|\d{1,9}(?=[.)]))(?=[.)]?(?:\s|$))/, (lead) => (/^\d/.test(lead) ? `${lead}\\` : `\\${lead}`))
    .replace(/@(?=[A-Za-z0-9])/g, `@${JOINER}`)
    .replace(/#(?=\d)/g, `#${JOINER}`)
    .replace(/:(?=[A-Za-z0-9_+-]+:)/g, `:${JOINER}`);
}

/** Text as a Markdown code span: a fence longer than any run of backticks inside it, so nothing inside is
 *  rendered; in a table a pipe is still escaped (GFM splits cells before it finds code spans). */
export function markdownCode(text: string, inTable = false): string {
  const flat = printable(text).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? flat.replace(/\|/g, '\\|') : flat}${pad}${fence}`;
}

/** A Markdown table: a header row, its rule, then the rows, every cell through markdownCell. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A plain-text table for a terminal: each column padded to its widest cell, two spaces between, no trailing blanks;
 *  `rightAligned` columns (counts) line up on the right. */
export function plainTable(rows: readonly (readonly string[])[], rightAligned: (column: number) => boolean = () => false): string {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) => row.map((text, column) => (rightAligned(column) ? text.padStart(widths[column]!) : text.padEnd(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

export function firstLine(text: string | undefined, max = 160): string {
  const line = (text ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A stable, HTML-id-safe slug for a grid cell. */
export function cellAnchor(feature: string, platform: string): string {
  return `cell-${feature}-${platform}`.replace(/[^A-Za-z0-9-]/g, '-');
}
