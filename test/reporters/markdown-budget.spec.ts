import { test, expect } from '@playwright/test';
import { TEST_CATALOG, type PlatformId } from '../../matrix/index.ts';
import { buildCompatibilityReport, enforceMarkdownLimit, MARKDOWN_LIMIT, renderHtml, renderMarkdown, type Outcome, type ResultRecord } from '../../reporters/index.ts';
import { profile, record } from './sample-records.ts';

const PLATFORMS: PlatformId[] = ['tdx', 'snp', 'sev', 'se', 'coco-dev', 'enclave-cc-hw', 'enclave-cc-sim', 'control'];
const PROFILE = profile(Object.fromEntries([...new Set(TEST_CATALOG.map((t) => t.feature))].map((f) => [f, {
  tdx: 'supported', snp: 'supported', se: 'supported', sev: 'limitation', 'coco-dev': 'supported', 'enclave-cc-hw': 'supported',
  'enclave-cc-sim': 'supported', control: 'unsupported',
}])));

/** Everything that can grow, grown past reason: 300 runners with long names, each its own cell and stack, every test
 *  failing with a long multi-line error on each of 12 nights, cells not required for sign-off, a baseline where all
 *  of it passed, thousands of long warnings, errors outside tests and unclassified tests. */
function worstCase(): { records: ResultRecord[]; baseline: ResultRecord[]; warnings: string[] } {
  const records: ResultRecord[] = [];
  const baseline: ResultRecord[] = [];
  const long = (what: string, n: number) => `${what} ${'x|y '.repeat(n)}`;
  for (let r = 0; r < 300; r++) {
    const platform = PLATFORMS[r % PLATFORMS.length]!;
    const runner = `${platform}-${long('runner', 40)}-${r}`;
    const environment = { kernel: long(`6.${r}.0`, 30), cpuModel: long('CPU', 20), os: 'Ubuntu 24.04 LTS' };
    for (let night = 0; night < 12; night++) {
      const startedAt = `2024-07-${String(night + 1).padStart(2, '0')}T01:00:00.000Z`;
      const outcome: Outcome = platform === 'sev' ? 'unexpected-pass' : r % 7 === 0 ? 'infra-error' : 'failed';
      // SEV and SE are not required here: what they find becomes notes, and there are more than the Markdown lists.
      const rec = record({
        platform, runner, startedAt, environment, doubles: [long('kbs double', 50)], required: platform !== 'sev' && platform !== 'se',
        tests: TEST_CATALOG.map((t) => [t.id, outcome, { error: `${long('Error:', 200)}\n${'    at somewhere\n'.repeat(50)}` }]),
      });
      rec.cell.id = `${rec.cell.id}/${runner}`;
      rec.runErrors = [long('worker crashed', 100)];
      rec.unclassifiedTests = [{ title: long('helper test', 60), outcome: 'failed' }];
      records.push(rec);
    }
    const before = record({ platform, runner, startedAt: '2024-06-30T01:00:00.000Z', tests: TEST_CATALOG.map((t) => [t.id, 'passed']) });
    before.cell.id = `${before.cell.id}/${runner}`;
    baseline.push(before);
  }
  const warnings = Array.from({ length: 5000 }, (_, i) => `results/crashed-${i}.json: ${long('not valid JSON', 80)}`);
  return { records, baseline, warnings };
}

test('whatever the input, every Markdown section keeps to its budget: under 60,000 characters with nothing cut', () => {
  const { records, baseline, warnings } = worstCase();
  const report = buildCompatibilityReport({ records, baseline, warnings, profile: PROFILE, generatedAt: 'fixed', history: { nights: 10, alertAfter: 3 } });
  expect(report.history.alerts.length).toBeGreaterThan(10);
  const md = renderMarkdown(report);
  expect(md.length).toBeLessThan(MARKDOWN_LIMIT);
  expect(md).not.toContain('the rest of this report is cut to fit a GitHub issue');
  for (const more of ['more reasons', 'more notes', 'more cells', 'more tests', 'more runs', 'more warnings', 'more stacks']) {
    expect(md, `the "${more}" line of a capped list`).toMatch(new RegExp(`… \\d+ ${more} in the HTML report`));
  }
  // Every section is still there, with its heading.
  // What decides first (verdict, newly broken, alerts, then the grid), in that order; every long section after the
  // grid folded in a <details>.
  const headings = ['## Sign-off: FAIL', '## Newly broken against the baseline', '## Alerts', '## Feature × platform', '## History', '## Cells that need a look',
    '## Other changes against the baseline', '## Tested stacks', '## Runs', '## Warnings'];
  const at = headings.map((heading) => md.indexOf(heading));
  expect(at.every((i) => i >= 0), headings.filter((_, i) => at[i]! < 0).join(', ')).toBe(true);
  expect([...at].sort((x, y) => x - y)).toEqual(at);
  for (const heading of ['## History', '## Cells that need a look', '## Other changes against the baseline', '## Tested stacks', '## Runs', '## Warnings']) {
    expect(md.slice(md.indexOf(heading)).split('\n').slice(1, 4).join('\n'), heading).toMatch(/^\n<details>\n<summary>[^<]+<\/summary>$/);
  }
  expect(md.split('<details>').length).toBe(md.split('</details>').length);
  // The HTML keeps every detail the Markdown left out.
  const html = renderHtml(report);
  expect(html).toContain(warnings.at(-1)!);
});

test('the last guard cuts at a line and says so, should the sections ever add up past the limit', () => {
  const text = Array.from({ length: 5000 }, (_, i) => `- line ${i} ${'x'.repeat(30)}`).join('\n');
  const cut = enforceMarkdownLimit(text);
  expect(cut.length).toBeLessThan(MARKDOWN_LIMIT);
  expect(cut).toMatch(/- line \d+ x+\n\n… the rest of this report is cut to fit a GitHub issue: the HTML and JSON reports hold all of it\.\n$/);
  expect(enforceMarkdownLimit('short\n')).toBe('short\n');
});
