import { basename } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../matrix/input-error.ts';
import type { UpstreamCiTable } from '../matrix/upstream-ci-table.ts';

/** One upstream test result as upstream CI reports it, before it is mapped onto the catalog. */
export interface UpstreamResult {
  /** The bats file (`k8s-sealed-secret.bats`), when the report says which. */
  batsFile?: string;
  /** The @test name, verbatim. */
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  /** A skip's reason, or a failure's diagnostics (first lines). */
  detail?: string;
  durationMs: number;
}

export interface ParsedUpstreamResults {
  format: 'bats-tap' | 'junit';
  results: UpstreamResult[];
  /** What the report promised but did not hold (a TAP plan of 12 with 9 results: the job stopped). */
  problems: string[];
}

const MAX_DETAIL_CHARS = 2_000;

/** TAP as bats writes it (`bats --formatter tap`, and what kata CI's run_bats_tests tees into
 *  reports/<date>/{ok,not_ok}-<file>.bats.out, bats' output not being a terminal there — tests/common.bash:1196-1202
 *  at kata 3.31.0): `1..N`, `ok 1 name`, `not ok 2 name` followed by `# ` diagnostics whose first line is
 *  `# (in test file k8s-x.bats, line 6)`, `ok 3 name # skip reason`; with --timing each result line has ` in 21ms`
 *  before any `# skip`. `fileName` is the report file: kata CI's names carry the bats file. */
export function parseBatsTap(text: string, fileName: string): ParsedUpstreamResults {
  const fromName = batsFileOf(fileName);
  const results: UpstreamResult[] = [];
  const problems: string[] = [];
  let planned: number | undefined;
  let failing: { result: UpstreamResult; lines: string[] } | undefined;
  const settle = () => {
    if (failing?.lines.length) failing.result.detail = failing.lines.join('\n').slice(0, MAX_DETAIL_CHARS);
    failing = undefined;
  };
  for (const line of text.split(/\r?\n/)) {
    const plan = /^1\.\.(\d+)$/.exec(line);
    if (plan) {
      planned = Number(plan[1]);
      continue;
    }
    const result = /^(ok|not ok) (\d+) (.*?)(?: in (\d+)ms)?(?: # skip(?: (.*))?)?$/i.exec(line);
    if (result) {
      settle();
      const [, status, , name, ms, skipReason] = result;
      const skipped = / # skip(?: |$)/i.test(line);
      const entry: UpstreamResult = {
        name: name!, status: skipped ? 'skipped' : status === 'ok' ? 'passed' : 'failed', durationMs: ms ? Number(ms) : 0,
        ...(fromName ? { batsFile: fromName } : {}),
        ...(skipped ? { detail: skipReason?.trim() || 'skipped (no reason given)' } : {}),
      };
      results.push(entry);
      if (entry.status === 'failed') failing = { result: entry, lines: [] };
      continue;
    }
    if (failing && line.startsWith('#')) {
      const diagnostic = line.replace(/^# ?/, '');
      const inFile = /^\(in test file (?:.*\/)?([^/,]+\.bats), line \d+\)$/.exec(diagnostic.trim());
      if (inFile && !failing.result.batsFile) failing.result.batsFile = inFile[1];
      failing.lines.push(diagnostic);
      continue;
    }
  }
  settle();
  if (planned === undefined && results.length === 0) {
    throw new InputError(fileName, '', 'not bats TAP output: no "1..N" plan and no "ok N name" / "not ok N name" line');
  }
  if (planned !== undefined && results.length < planned) {
    problems.push(`${basename(fileName)}: the plan is ${planned} tests but ${results.length} reported (the job stopped before the rest)`);
  }
  return { format: 'bats-tap', results, problems };
}

/** JUnit XML as `bats --formatter junit` (or `--report-formatter junit`) writes it: <testsuites><testsuite name="
 *  k8s-x.bats"><testcase classname="k8s-x.bats" name="…" time="0.016"> with <failure>, <error> or <skipped>…</skipped>
 *  inside. Read with a real XML parser; a document that is not well-formed XML is refused with its line. */
export function parseJunit(text: string, fileName: string): ParsedUpstreamResults {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new InputError(fileName, '', `not well-formed XML: ${valid.err.msg}`, valid.err.line, valid.err.col);
  const parser = new XMLParser({
    // htmlEntities: numeric character references (&#39; is how bats writes an apostrophe) are XML too.
    ignoreAttributes: false, attributeNamePrefix: '', textNodeName: '#text', parseTagValue: false, parseAttributeValue: false, htmlEntities: true,
    isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'failure' || name === 'error' || name === 'skipped',
  });
  const document = parser.parse(text) as Record<string, unknown>;
  const root = (document.testsuites ?? document) as { testsuite?: XmlSuite[] };
  const suites = root.testsuite ?? [];
  if (suites.length === 0) throw new InputError(fileName, '', 'not JUnit XML: no <testsuite> element');
  const results: UpstreamResult[] = [];
  for (const suite of suites) {
    for (const testcase of suite.testcase ?? []) {
      const skipped = testcase.skipped?.[0];
      const failure = testcase.failure?.[0] ?? testcase.error?.[0];
      const detail = (node: XmlNode | string | undefined) => {
        const textOf = typeof node === 'string' ? node : [node?.message, node?.['#text']].filter(Boolean).join('\n');
        return textOf.trim().slice(0, MAX_DETAIL_CHARS);
      };
      const batsFile = batsFileOf(testcase.classname ?? suite.name ?? '');
      results.push({
        name: testcase.name ?? '', status: skipped !== undefined ? 'skipped' : failure !== undefined ? 'failed' : 'passed',
        durationMs: Math.round(Number(testcase.time ?? 0) * 1000) || 0,
        ...(batsFile ? { batsFile } : {}),
        ...(skipped !== undefined ? { detail: detail(skipped) || 'skipped (no reason given)' } : failure !== undefined ? { detail: detail(failure) } : {}),
      });
    }
  }
  return { format: 'junit', results, problems: [] };
}

type XmlNode = { message?: string; '#text'?: string };
type XmlSuite = { name?: string; testcase?: { name?: string; classname?: string; time?: string; failure?: (XmlNode | string)[];
  error?: (XmlNode | string)[]; skipped?: (XmlNode | string)[] }[] };

/** The bats file a report names: kata CI's `ok-k8s-x.bats.out` / `not_ok-k8s-x.bats.out`, `k8s-x.bats.tap`, or a
 *  JUnit classname `k8s-x.bats`. */
function batsFileOf(name: string): string | undefined {
  return /(?:^|[/\\])(?:(?:not_)?ok-)?([^/\\]+?\.bats)(?:\.[A-Za-z]+)?$/.exec(name)?.[1];
}

/** Reads a report by what it holds: XML is JUnit, anything else bats TAP. */
export function parseUpstreamResults(text: string, fileName: string): ParsedUpstreamResults {
  return /^\s*(<\?xml|<testsuites?\b)/.test(text) ? parseJunit(text, fileName) : parseBatsTap(text, fileName);
}

export interface MappedUpstreamResults {
  mapped: { result: UpstreamResult; testId: string }[];
  /** Results with no catalog test: the table says so (~), or it does not know the test at all. */
  unmapped: { result: UpstreamResult; why: string }[];
}

/** Maps each result onto a catalog test through the table: by its bats file when the report names it, else by its
 *  name across the table's files (unique names only). Nothing is dropped: what does not map is listed. */
export function mapUpstreamResults(results: readonly UpstreamResult[], table: UpstreamCiTable): MappedUpstreamResults {
  const out: MappedUpstreamResults = { mapped: [], unmapped: [] };
  const seen = new Set<string>();
  for (const result of results) {
    const files = result.batsFile ? [result.batsFile] : Object.keys(table.tests).filter((file) => Object.hasOwn(table.tests[file]!, result.name));
    const known = files.filter((file) => table.tests[file] && Object.hasOwn(table.tests[file]!, result.name));
    if (known.length !== 1) {
      const why = known.length > 1 ? `the name is in ${known.join(' and ')}; the report does not say which`
        : `not in ${basename(table.file)}${result.batsFile && !table.tests[result.batsFile] ? ` (no ${result.batsFile} there)` : ''}`;
      out.unmapped.push({ result, why });
      continue;
    }
    const id = table.tests[known[0]!]![result.name];
    if (!id) {
      out.unmapped.push({ result: { ...result, batsFile: known[0]! }, why: `no catalog test (~ in ${basename(table.file)})` });
      continue;
    }
    if (seen.has(id)) {
      out.unmapped.push({ result, why: `a second result for ${id} in this import` });
      continue;
    }
    seen.add(id);
    out.mapped.push({ result: { ...result, batsFile: known[0]! }, testId: id });
  }
  return out;
}
