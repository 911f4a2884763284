/**
 * Benchmark of `report` over many nights: synthetic result records (runners × nights × tests, written with the
 * harness's own record writer) are merged and rendered into every format, and the same files are only read and
 * JSON-parsed — the floor no merge can go under. Each measurement runs in a fresh child process, so its peak RSS
 * (process.resourceUsage().maxRSS) is its own. Between the two, "read+check" reads and checks every record as the
 * report does (size limit, UTF-8, schema) without merging, to show where the time goes. Each of the three is
 * measured `--rounds` times, the order alternating (parse, check, merge, then merge, check, parse, …), and the best
 * time of each is kept (the higher peak RSS), so a warming page cache favours neither and a busy moment of the
 * machine spoils one sample, not the figure; each round's own merge / parse ratio is printed too, to show the spread.
 * Wall and CPU time are both printed: on a machine busy with other work, CPU time is the steadier of the two. Prints
 * a table; asserts nothing.
 *
 *   npm run bench:report -- [--sizes 150000,300000,1500000] [--nights 365] [--tests 32] [--rounds 3] [--keep]
 *
 * A size is a number of test results: runners = size / (nights × tests), rounded. The records of the largest size
 * are written once (about 0.8 KB a test on disk) and flushed to disk before the first measurement; smaller sizes read
 * the first runners' folders.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_RELEASES_DIR, loadRelease, releaseTag } from '../../matrix/index.ts';
import { BUILD_DIR, sourcePath } from '../../matrix/source-root.ts';
import { buildCompatibilityReportFromFiles, streamResultRecords, writeReportFiles } from '../../reporters/index.ts';
import { writeSyntheticRecords, type SyntheticAttempt } from './synthetic-records.ts';

/** The release the records are judged against: the newest encoded one, as the nightly signs off (`latest`). */
const RELEASE = releaseTag('latest', DEFAULT_RELEASES_DIR);
const say = (line: string) => console.log(`[bench] ${line}`);

interface Measurement {
  ms: number;
  /** User + system CPU time: steadier than wall time on a machine that is busy with other work. */
  cpuMs: number;
  maxRssMb: number;
  tests: number;
  files: number;
}

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '150000,300000,1500000' },
    nights: { type: 'string', default: '365' },
    tests: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    // Internal: one measurement in this (fresh) process.
    child: { type: 'string' },
    out: { type: 'string' },
  },
  allowPositionals: true,
});

/** How a measurement child is started (childCommand): set by main. */
let CHILD: string[] = [];

if (values.child) {
  const folders = process.argv.slice(process.argv.indexOf('--') + 1);
  const measurement = values.child === 'parse' ? parseOnly(folders) : values.child === 'check' ? readAndCheck(folders) : await mergeAndRender(folders, values.out!);
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
} else {
  main();
}

/** The floor: every file read and parsed, in the same order the report reads them, nothing kept. */
function parseOnly(folders: string[]): Measurement {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let tests = 0;
  let files = 0;
  for (const folder of folders) {
    for (const file of jsonFiles(folder)) {
      const record = JSON.parse(readFileSync(file, 'utf8')) as { tests: unknown[] };
      tests += record.tests.length;
      files++;
    }
  }
  return { ms: performance.now() - started, cpuMs: cpuSince(cpu), maxRssMb: process.resourceUsage().maxRSS / 1024, tests, files };
}

/** Between the two: every record read and checked as the report reads it (size limit, UTF-8, schema), nothing
 *  merged — what the merge itself adds is the rest. */
function readAndCheck(folders: string[]): Measurement {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let tests = 0;
  let files = 0;
  streamResultRecords(folders, (record) => {
    tests += record.tests.length;
    files++;
  });
  return { ms: performance.now() - started, cpuMs: cpuSince(cpu), maxRssMb: process.resourceUsage().maxRSS / 1024, tests, files };
}

/** What `coco-conformance report` does: stream, validate and fold the records, build the report, write every format. */
async function mergeAndRender(folders: string[], out: string): Promise<Measurement> {
  const profile = loadRelease(RELEASE);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await buildCompatibilityReportFromFiles({ results: folders, profile });
  writeReportFiles(report, out);
  const ms = performance.now() - started;
  return { ms, cpuMs: cpuSince(cpu), maxRssMb: process.resourceUsage().maxRSS / 1024, tests: -1, files: report.records };
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function jsonFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? jsonFiles(join(folder, e.name)) : e.name.endsWith('.json') ? [join(folder, e.name)] : []));
}

/** The children run this benchmark as compiled by `npm run build` (dist/scripts/bench/report.js), as the CLI runs:
 *  under tsx every module is compiled at start and runs with source maps, a fixed cost that is not the report's. */
function childCommand(): string[] {
  const script = fileURLToPath(import.meta.url);
  const compiled = sourcePath(`${BUILD_DIR}/scripts/bench/report.js`);
  if (script === compiled) return [script];
  if (existsSync(compiled) && statSync(compiled).mtimeMs >= statSync(script).mtimeMs) return [compiled];
  say(`${compiled} is missing or older than this script (npm run build): the children run under tsx`);
  return ['--import', 'tsx', script];
}

function measure(kind: 'parse' | 'check' | 'merge', folders: string[], out: string): Measurement {
  const run = spawnSync(process.execPath, [...CHILD, '--child', kind, '--out', out, '--', ...folders], {
    encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' },
  });
  if (run.status !== 0) throw new Error(`failed to measure ${kind} over ${folders.length} folder(s): exit ${run.status}: ${run.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Measurement;
}

/** A realistic year: mostly what the release expects, a few failures and flakes, now and then a night lost to
 *  infrastructure, and reruns. */
function nightlyOutcome(at: SyntheticAttempt) {
  const x = Math.sin(at.night * 12.9898 + at.runner.index * 78.233 + at.testId.length * 37.719 + at.attempt * 4.1414) * 43758.5453;
  const roll = x - Math.floor(x);
  if (at.natural === 'skipped') return at.natural;
  if (at.night % 53 === at.runner.index % 53) return 'infra-error' as const;
  if (roll < 0.01) return 'failed' as const;
  if (roll < 0.02) return 'flaky' as const;
  return at.natural;
}

function folderBytes(folders: string[]): number {
  let bytes = 0;
  for (const folder of folders) for (const file of jsonFiles(folder)) bytes += statSync(file).size;
  return bytes;
}

function main(): void {
  CHILD = childCommand();
  const nights = Number(values.nights);
  const testsPerRecord = Number(values.tests);
  const rounds = Math.max(1, Number(values.rounds));
  const sizes = values.sizes.split(',').map(Number);
  const plans = sizes.map((size) => ({ size, runners: Math.max(1, Math.round(size / (nights * testsPerRecord))) }));
  const work = mkdtempSync(join(tmpdir(), 'coco-bench-report-'));
  const runners = Math.max(...plans.map((p) => p.runners));
  say(`writing ${runners} runners × ${nights} nights × ${testsPerRecord} tests under ${work}`);
  const generated = performance.now();
  const written = writeSyntheticRecords(join(work, 'results'), {
    profile: loadRelease(RELEASE), runners, nights, testsPerRecord, firstNight: '2024-01-01', outcome: nightlyOutcome,
    rerun: (runner, night) => (night + runner.index) % 31 === 0,
  });
  say(`wrote ${written.files} records, ${written.tests} test results in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
  // The records written stay dirty in the page cache until the kernel flushes them, about 30 s later: that flush
  // would land in the middle of the first measurements. Flushed now, before any is taken.
  const flushed = performance.now();
  const flush = spawnSync('sync', [], { stdio: 'inherit' });
  if (flush.status !== 0) throw new Error(`sync failed: ${flush.error?.message ?? `exit ${flush.status}`}`);
  say(`flushed them to disk in ${((performance.now() - flushed) / 1000).toFixed(1)} s`);

  const rows: string[][] = [];
  for (const plan of plans) {
    const folders = written.folders.slice(0, plan.runners);
    const out = join(work, `report-${plan.size}`);
    const lists: Record<'parse' | 'check' | 'merge', Measurement[]> = { parse: [], check: [], merge: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['parse', 'check', 'merge'] as const) : (['merge', 'check', 'parse'] as const);
      for (const kind of order) lists[kind].push(measure(kind, folders, out));
    }
    const best = (list: Measurement[]): Measurement => ({
      ...list[0]!, ms: Math.min(...list.map((m) => m.ms)), cpuMs: Math.min(...list.map((m) => m.cpuMs)), maxRssMb: Math.max(...list.map((m) => m.maxRssMb)),
    });
    const parse = best(lists.parse);
    const check = best(lists.check);
    const merge = best(lists.merge);
    // Each round's parse and merge ran a minute apart at most: their ratio is the one least moved by a busy spell of
    // the machine, so every round's is printed beside the best-of ratio.
    const roundRatios = lists.merge.map((m, round) => (m.ms / lists.parse[round]!.ms).toFixed(2)).join(' ');
    const reportMb = readdirSync(out).reduce((sum, f) => sum + statSync(join(out, f)).size, 0) / 1e6;
    rows.push([
      String(parse.tests), String(plan.runners), String(parse.files), (folderBytes(folders) / 1e6).toFixed(0),
      (parse.ms / 1000).toFixed(2), (check.ms / 1000).toFixed(2), (merge.ms / 1000).toFixed(2), (merge.ms / parse.ms).toFixed(2), roundRatios,
      (parse.cpuMs / 1000).toFixed(2), (merge.cpuMs / 1000).toFixed(2), (merge.cpuMs / parse.cpuMs).toFixed(2),
      parse.maxRssMb.toFixed(0), merge.maxRssMb.toFixed(0), reportMb.toFixed(2),
    ]);
    say(`${parse.tests} results: parse ${(parse.ms / 1000).toFixed(2)} s, merge+render ${(merge.ms / 1000).toFixed(2)} s, peak RSS ${merge.maxRssMb.toFixed(0)} MB`);
  }
  const header = ['test results', 'runners', 'records', 'MB on disk', 'parse-only s', 'read+check s', 'merge+render s', 'ratio', 'ratio by round',
    'parse CPU s', 'merge CPU s', 'CPU ratio', 'parse RSS MB', 'merge RSS MB', 'report MB'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log(`targets: ratio ≤ 1.50 at every size; merge RSS < 500 MB at 150k results, < 1024 MB at 1.5M. ${nights} nights, ${testsPerRecord} tests a record, best of ${rounds} each, release ${RELEASE}; node ${process.version}, ${availableParallelism()} cores.`);
  if (values.keep) say(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
