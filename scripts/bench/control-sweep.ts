/**
 * Benchmark: the multi-release control sweep (matrix/control-sweep.yaml by default) run twice on this machine —
 * once as `run` does it, one cluster for the cells that share a cluster spec, and once with a cluster per cell —
 * and prints, per way, each cell's steps and the totals: wall time, time spent provisioning and tearing down.
 * Asserts nothing. It brings up the local cluster: run it only where no other cluster is up
 * (`flock /tmp/coco-e2e.lock npm run bench:sweep`).
 *
 *   npm run bench:sweep -- [--matrix FILE] [--suite NAME …] [--out DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { expandCells, loadRunnerMatrix, type CellFilter } from '../../matrix/index.ts';
import { runStateDir, stateRoot } from '../../harness/pipeline/cell-workspace.ts';
import { Progress } from '../../harness/pipeline/progress.ts';
import { runCells } from '../../harness/pipeline/run-cell.ts';

const { values } = parseArgs({
  options: { matrix: { type: 'string', default: 'matrix/control-sweep.yaml' }, suite: { type: 'string', multiple: true }, out: { type: 'string' } },
});
const filter: CellFilter = values.suite?.length ? { suites: values.suite as CellFilter['suites'] } : {};
const cells = expandCells(loadRunnerMatrix(values.matrix!), filter);
const out = values.out ?? mkdtempSync(join(tmpdir(), 'coco-bench-sweep-'));

interface Way { name: string; clusterPerCell: boolean }
const ways: Way[] = [{ name: 'one cluster per cluster spec', clusterPerCell: false }, { name: 'one cluster per cell', clusterPerCell: true }];
const STEP_LINE = /^\[cell (\S+)\] (\S+) [✓✗] ([0-9.]+)s/;

const totals: Array<{ way: string; wallSeconds: number; provisionSeconds: number; teardownSeconds: number; statuses: string[] }> = [];
for (const way of ways) {
  const steps: Array<{ cell: string; step: string; seconds: number }> = [];
  const progress = new Progress((text) => {
    for (const line of text.split('\n')) {
      const match = line.match(STEP_LINE);
      if (match) steps.push({ cell: match[1]!, step: match[2]!, seconds: Number(match[3]) });
    }
  }, false);
  const runId = `bench-sweep-${way.clusterPerCell ? 'per-cell' : 'shared'}-${process.pid}`;
  console.log(`[bench] ${way.name}: ${cells.length} cells (${cells.map((c) => c.release).join(', ')})`);
  const started = Date.now();
  const results = await runCells(cells, {
    runId, outDir: join(out, runId), stateDir: runStateDir(stateRoot(), runId), keepCluster: false, dryRun: false,
    clusterPerCell: way.clusterPerCell, signal: new AbortController().signal, progress, log: () => {},
  });
  const wallSeconds = (Date.now() - started) / 1000;
  for (const cell of cells) {
    const own = steps.filter((s) => s.cell === cell.id);
    console.log(`[bench]   ${cell.release.padEnd(8)} ${own.map((s) => `${s.step} ${s.seconds.toFixed(1)}s`).join(', ')}`);
  }
  const sum = (step: string) => steps.filter((s) => s.step === step).reduce((total, s) => total + s.seconds, 0);
  totals.push({ way: way.name, wallSeconds, provisionSeconds: sum('provision'), teardownSeconds: sum('teardown'), statuses: results.map((r) => r.status) });
}

console.log('');
console.log('WAY                            WALL     PROVISION  TEARDOWN  CELLS');
for (const t of totals) {
  console.log(`${t.way.padEnd(30)} ${`${t.wallSeconds.toFixed(0)}s`.padEnd(8)} ${`${t.provisionSeconds.toFixed(0)}s`.padEnd(10)} ${`${t.teardownSeconds.toFixed(0)}s`.padEnd(9)} ${t.statuses.join(' ')}`);
}
const [shared, perCell] = totals;
if (shared && perCell) console.log(`\none cluster saves ${(perCell.wallSeconds - shared.wallSeconds).toFixed(0)}s of ${perCell.wallSeconds.toFixed(0)}s`);
if (!values.out) rmSync(out, { recursive: true, force: true });
