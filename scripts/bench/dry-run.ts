/**
 * Benchmark: `coco-conformance run --dry-run` over a matrix that names every encoded release (matrix/all-releases.yaml),
 * as a user runs it (node bin/coco-conformance.mjs, the compiled dist/). Each run writes into a fresh folder; prints
 * per run the wall time, the CPU time of the CLI and its children (user + system, from bash's `time`: on a machine
 * busy with other work the steadier of the two), the lines printed, the files written and their bytes, then the
 * median and the fastest run beside the target. Asserts nothing.
 *
 *   npm run bench:dry-run -- [--runs 3] [--matrix matrix/all-releases.yaml] [--keep]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { sourcePath } from '../../matrix/source-root.ts';

const TARGET_SECONDS = 10;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    matrix: { type: 'string', default: 'matrix/all-releases.yaml' },
    keep: { type: 'boolean', default: false },
  },
});
const BIN = sourcePath('bin/coco-conformance.mjs');

interface Measurement {
  wall: number;
  cpu: number;
  lines: number;
  files: number;
  bytes: number;
}

function folderSize(folder: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

function measure(out: string): Measurement {
  // bash's `time` reports the CPU of the whole process tree the CLI starts, in seconds: real user sys.
  const script = 'TIMEFORMAT="%R %U %S"; { time "$@" > "$COCO_BENCH_STDOUT" ; } 2>&1 >/dev/null | tail -1';
  const stdout = join(out, '..', `${out.split('/').pop()}.stdout`);
  const run = spawnSync('bash', ['-c', script, 'bench', process.execPath, BIN, 'run', '--dry-run', '--matrix', values.matrix, '--out', out], {
    cwd: sourcePath('.'), encoding: 'utf8', env: { ...process.env, COCO_BENCH_STDOUT: stdout },
  });
  const [wall, user, sys] = run.stdout.trim().split(/\s+/).map(Number);
  if (run.status !== 0 || wall === undefined || Number.isNaN(wall)) {
    throw new Error(`the dry run failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const lines = spawnSync('wc', ['-l', stdout], { encoding: 'utf8' }).stdout.trim().split(/\s+/)[0];
  rmSync(stdout, { force: true });
  return { wall, cpu: user! + sys!, lines: Number(lines), ...folderSize(out) };
}

const work = mkdtempSync(join(tmpdir(), 'coco-bench-dry-run-'));
console.log(`run --dry-run --matrix ${values.matrix}, ${values.runs} runs, node ${process.version}, load ${loadavg()[0]!.toFixed(2)}`);
const header = ['run', 'wall s', 'CPU s', 'lines', 'files', 'MB'];
console.log(header.map((h) => h.padStart(8)).join(' '));
const results: Measurement[] = [];
for (let i = 1; i <= Number(values.runs); i++) {
  const m = measure(join(work, `run-${i}`));
  results.push(m);
  console.log([String(i), m.wall.toFixed(2), m.cpu.toFixed(2), String(m.lines), String(m.files), (m.bytes / 1e6).toFixed(1)].map((c) => c.padStart(8)).join(' '));
}
const sorted = (pick: (m: Measurement) => number) => results.map(pick).sort((a, b) => a - b);
const median = (list: number[]) => list[Math.floor(list.length / 2)]!;
const walls = sorted((m) => m.wall);
const cpus = sorted((m) => m.cpu);
console.log(`median wall ${median(walls).toFixed(2)} s (fastest ${walls[0]!.toFixed(2)} s), CPU ${median(cpus).toFixed(2)} s; target wall ≤ ${TARGET_SECONDS} s${median(walls) > TARGET_SECONDS ? '  over' : ''}; load now ${loadavg()[0]!.toFixed(2)}`);
if (values.keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
