/**
 * Benchmark: how long a command of the CLI takes from start to exit, as a user runs it (node bin/coco-conformance.mjs,
 * which runs the compiled dist/), side by side with `kubectl version --client`, the field's reference for a CLI that
 * starts at once. Each command runs --runs times; prints the median and the fastest run, and the target.
 * Asserts nothing (targets are read, not enforced).
 *
 *   npm run bench:startup -- [--runs 7]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sourcePath } from '../../matrix/source-root.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(values.runs);
const BIN = sourcePath('bin/coco-conformance.mjs');

const CASES: Array<{ label: string; argv: string[]; target?: number }> = [
  { label: 'kubectl version --client', argv: ['kubectl', 'version', '--client'] },
  { label: 'coco-conformance --version', argv: [process.execPath, BIN, '--version'] },
  { label: 'coco-conformance --help', argv: [process.execPath, BIN, '--help'], target: 0.3 },
  { label: 'coco-conformance plan --help', argv: [process.execPath, BIN, 'plan', '--help'], target: 0.3 },
  { label: 'coco-conformance releases', argv: [process.execPath, BIN, 'releases'], target: 0.6 },
  { label: 'coco-conformance plan', argv: [process.execPath, BIN, 'plan'], target: 0.6 },
];

function seconds(argv: string[]): number | string {
  const started = performance.now();
  const result = spawnSync(argv[0]!, argv.slice(1), { cwd: sourcePath('.'), encoding: 'utf8' });
  const elapsed = (performance.now() - started) / 1000;
  if (result.error) return `failed to start: ${result.error.message}`;
  if (result.status !== 0) return `exit ${result.status}: ${result.stderr.trim().split('\n')[0]}`;
  if (result.stderr.includes('dist/')) return result.stderr.trim();
  return elapsed;
}

console.log(`startup of ${runs} runs each, on ${path.basename(process.execPath)} ${process.version}, load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
console.log(`${'command'.padEnd(32)} ${'median'.padStart(8)} ${'fastest'.padStart(8)} ${'target'.padStart(8)}`);
for (const { label, argv, target } of CASES) {
  const times: number[] = [];
  let problem: string | undefined;
  for (let i = 0; i < runs && !problem; i++) {
    const measured = seconds(argv);
    if (typeof measured === 'string') problem = measured;
    else times.push(measured);
  }
  if (problem) {
    console.log(`${label.padEnd(32)} ${problem}`);
    continue;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const shown = (s: number) => `${s.toFixed(3)} s`.padStart(8);
  console.log(`${label.padEnd(32)} ${shown(median)} ${shown(times[0]!)} ${target ? `≤ ${target} s`.padStart(8) : ''.padStart(8)}${target && median > target ? '  over' : ''}`);
}
