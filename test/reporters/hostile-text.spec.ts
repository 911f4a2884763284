import { test, expect } from '@playwright/test';
import MarkdownIt from 'markdown-it';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { buildCompatibilityReport, renderJunit, renderMarkdown, type CompatibilityReport } from '../../reporters/index.ts';
import { markdownCell, markdownCode } from '../../reporters/render-text.ts';
import { profile, record, type RecordSpec } from './sample-records.ts';

/** A record can hold anything: a runner named by hand, an error a pod printed, a title a suite wrote. The Markdown
 *  pasted into a release issue and the JUnit a CI system reads must survive it. Checked with independent parsers:
 *  markdown-it (CommonMark + GFM tables, HTML allowed as GitHub allows it) and fast-xml-parser's validator. */

const PROFILE = profile({ attestation: { tdx: 'supported', snp: 'supported' } });
const ALLOW = 'attestation/resource-released-allow-all';
const DENY = 'attestation/resource-withheld-deny-all';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert("x")</script>';
const HOSTILE = `${IMG} ${SCRIPT} @octocat #1 :smile: a|b \`code\` *em* _em_ [link](http://x) ~~gone~~ &amp; NUL\u0000 ESC\u001b[31m end`;

function hostileReport(): CompatibilityReport {
  const specs: RecordSpec[] = [
    {
      platform: 'tdx', runner: `tdx-01 ${IMG} @octocat |x|`, doubles: [`kbs ${SCRIPT}`], environment: { kernel: `6.8 ${IMG}\u0000`, os: '# heading' },
      tests: [
        [ALLOW, 'failed', { error: `Error: ${HOSTILE}\n- second line\n> quote`, title: `title ${SCRIPT}` }],
        [DENY, 'skipped', { skipReason: `> ${HOSTILE}` }],
      ],
    },
    { platform: 'snp', runner: `1. snp \`runner\` ${SCRIPT}`, tests: [[ALLOW, 'infra-error', { error: `\u001b[1m${HOSTILE}\u0007` }], [DENY, 'passed']] },
  ];
  const report = buildCompatibilityReport({ records: specs.map(record), profile: PROFILE, generatedAt: 'fixed' });
  report.warnings.push(`a warning ${HOSTILE}`);
  return report;
}

/** markdown-it as GitHub renders an issue: HTML passes through (GitHub then sanitizes it, but an <img> survives). */
const markdown = new MarkdownIt({ html: true, linkify: false });

test('the Markdown shows record text as written: no HTML element, emphasis, link, code or table cell comes from a record', () => {
  const md = renderMarkdown(hostileReport());
  const html = markdown.render(md);
  expect(html).not.toMatch(/<img|<script|<a |<em>|<strong>|<s>|<del>|<blockquote>|<h[1-6]>(?!CoCo|Sign-off|Alerts|Feature|History|Cells|Not discriminating|Test doubles|Tested stacks|Runs|Warnings|Intel|AMD|attestation)/);
  // The text arrives whole, shown as text (HTML-escaped in the rendered page).
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  expect(html).toContain('*em* _em_ [link](http://x) ~~gone~~ &amp;amp;');
  // No control character reaches the page; the reader sees where one was.
  expect(md).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  expect(md).toContain('NUL\uFFFD ESC\uFFFD\\[31m end');
  // No @mention, issue reference or emoji GitHub would resolve from the text.
  expect(md).not.toMatch(/(^|[^\w])@octocat/m);
  expect(md).not.toMatch(/#1\b/);
  expect(md).not.toMatch(/:smile:/);
  // Every table keeps its columns: a pipe in a runner's name or an error does not split a cell.
  const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
  expect(tables.length).toBeGreaterThan(2);
  for (const table of tables) {
    const widths = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => (row[1]!.match(/<t[hd][ >]/g) ?? []).length);
    expect(new Set(widths).size, table.slice(0, 200)).toBe(1);
  }
});

test('a Markdown line escapes each construct GitHub renders, and a code span holds any backticks', () => {
  const inline = (text: string) => markdown.renderInline(markdownCell(text));
  expect(inline('<b>x</b>')).toBe('&lt;b&gt;x&lt;/b&gt;');
  expect(inline('*a* _b_ `c` [d](e) ~~f~~ &copy;')).toBe('*a* _b_ `c` [d](e) ~~f~~ &amp;copy;');
  expect(markdown.render(`- ${markdownCell('# not a heading')}`)).toContain('<li># not a heading</li>');
  expect(markdown.render(`- ${markdownCell('> not a quote')}`)).toContain('<li>&gt; not a quote</li>');
  expect(markdown.render(`- ${markdownCell('- not a list')}`)).toContain('<li>- not a list</li>');
  expect(markdown.render(`- ${markdownCell('1. not a list')}`)).toContain('<li>1. not a list</li>');
  expect(markdownCell('ping @octocat')).toBe('ping @\u2060octocat');
  expect(markdownCell('line one\nline two')).toBe('line one line two');
  expect(markdown.renderInline(markdownCode('a ``b`` `c`'))).toBe('<code>a ``b`` `c`</code>');
  expect(markdown.renderInline(markdownCode('<img>'))).toBe('<code>&lt;img&gt;</code>');
});

test('the JUnit XML is well-formed whatever a record holds, and keeps the text', () => {
  const xml = renderJunit(hostileReport());
  expect(XMLValidator.validate(xml)).toBe(true);
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const suites = [parsed.testsuites.testsuite].flat();
  expect(suites.map((s: { name: string }) => s.name)).toContain(`v9.9.9/tdx/kubeadm-1.30/containerd/nydus @ tdx-01 ${IMG} @octocat |x|`);
  const cases = suites.flatMap((s: { testcase: unknown }) => [s.testcase].flat()) as { failure?: { '#text': string }; error?: { '#text': string } }[];
  const failure = cases.find((c) => c.failure)!.failure!['#text'];
  expect(failure).toContain(`Error: ${IMG} ${SCRIPT} @octocat`);
  expect(failure).toContain('NUL\uFFFD ESC\uFFFD[31m end');
});
