import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expandCells, loadRelease, loadRunnerMatrix, planCellTests } from '../../matrix/index.ts';
import { loadResultRecords } from '../../reporters/index.ts';
import { CLI, coco } from './coco-cli.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { controlVerdicts } from './control-verdicts.ts';

/** The control cell on kind, for real: kind built from the Go module proxy, Debian's docker engine started by the
 *  harness, the node image made on this machine from the offline bundle (matrix/control-kind.yaml). The run must be
 *  green with every outcome as on kubeadm's control run (control-verdicts.ts), kind's own log export must be in the
 *  cell's artifacts, and nothing of kind may be left: no node container, engine, network or state. Then a run killed
 *  with SIGKILL leaves its kind cluster up, and `cleanup` removes all of it. Checked with ps, ip and the engine's own
 *  socket, not with the harness's finder. Runs before control-run.spec.ts (file order, one worker): one cluster at
 *  a time. */
const matrix = join(SOURCE_ROOT, 'matrix', 'control-kind.yaml');
const out = join(SOURCE_ROOT, 'results', 'e2e-kind');
const killedOut = join(SOURCE_ROOT, 'results', 'e2e-kind-killed');
const [cell] = expandCells(loadRunnerMatrix(matrix));
const profile = loadRelease(cell!.release);
const planned = planCellTests(cell!, profile).map((t) => t.id);
const ENGINE_SOCKET = '/run/coco-conformance/kind/docker.sock';
const STATE_FILE = '/run/coco-conformance/kind/state.json';
/** Where the harness starts the engine's data root (dockerd --data-root): in the cache, which the node image outlives
 *  runs in. */
const ENGINE_DATA_ROOT = join(process.env.COCO_CACHE_DIR ?? join(homedir(), '.cache', 'coco-conformance'), 'kind', 'engine');
/** kind names its node `<cluster>-control-plane`; the harness names each cell's cluster (coco-<hash>). */
const NODE = /^coco-[a-z0-9-]+-control-plane$/;
/** Bounds of one `run` of the kind cell (node image, engine, cluster, every suite, teardown) and of one `cleanup`. */
const RUN_TIMEOUT_MS = 30 * 60_000;
const CLEANUP_TIMEOUT_MS = 10 * 60_000;

test.describe.configure({ mode: 'serial' });

let killedPid = 0;
let killed = false;
test.afterAll(() => {
  if (!killedPid || killed) return;
  try {
    process.kill(-killedPid, 'SIGKILL');
  } catch {
    return;
  }
  console.error(coco(['cleanup'], CLEANUP_TIMEOUT_MS).stdout);
});

test('the control cell runs on kind with a node image made here, as on kubeadm, and leaves nothing of kind', async () => {
  rmSync(out, { recursive: true, force: true });
  const run = coco(['run', '--matrix', matrix, '--out', out], RUN_TIMEOUT_MS);
  console.log(run.stdout.split('\n').slice(-40).join('\n'));
  if (run.status !== 0) console.error(run.stderr.split('\n').slice(-80).join('\n'));
  expect(run.status, 'coco-conformance run exit code (0 = every outcome as the release claims)').toBe(0);
  const loaded = loadResultRecords([out]);
  expect(loaded.warnings).toEqual([]);
  const [record] = loaded.records;
  expect(loaded.records.map((r) => `${r.cell.cluster.distro} ${r.cell.platform} ${r.release}`)).toEqual([`kind control ${cell!.release}`]);
  expect(record!.status).toBe('complete');
  expect(record!.runErrors ?? [], 'uninstall verified clean').toEqual([]);
  expect(run.stdout + run.stderr).toMatch(/\] install ✓/);
  // Every planned test ran and came out as on kubeadm's control run.
  const verdicts = controlVerdicts(profile);
  expect(record!.tests.map((t) => t.id).sort()).toEqual([...planned].sort());
  for (const result of record!.tests) {
    const verdict = verdicts[result.id]!;
    expect(result.outcome, `${result.id}: ${result.error ?? ''}`).toBe(verdict.outcome);
    if (verdict.outcome === 'expected-failure') {
      expect(result.failureSignature?.matched, result.id).toBe(true);
      expect(result.failureSignature?.failedStep, result.id).toBe(verdict.step);
      expect(result.failureSignature?.error, result.id).toMatch(verdict.error);
    }
  }
  // kind's own export (`kind export logs`) is among the cell's artifacts: the node's kubelet and containerd logs.
  const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).map((f) => f.split('/'));
  const nodeLog = (name: string) => files.filter((parts) => parts.at(-1) === name && NODE.test(parts.at(-2) ?? '')).length;
  expect([nodeLog('kubelet.log'), nodeLog('containerd.log')]).toEqual([1, 1]);
  expect(kindLeftovers()).toEqual([]);
});

test('a kind run killed with SIGKILL leaves its cluster up; cleanup removes all of it, and then has nothing to do', async () => {
  test.setTimeout(20 * 60_000);
  rmSync(killedOut, { recursive: true, force: true });
  const child = spawn(process.execPath, [CLI, 'run', '--matrix', matrix, '--out', killedOut], {
    cwd: SOURCE_ROOT, env: { ...process.env, CI: 'true' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  killedPid = child.pid!;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.on('exit', () => done()));
  const deadline = Date.now() + 10 * 60_000;
  while (!/control: KBS double at/.test(output) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(output, `the kind cluster and the control platform were up:\n${output.slice(-3000)}`).toMatch(/control: KBS double at/);
  process.kill(-killedPid, 'SIGKILL');
  killed = true;
  await exited;
  const left = kindLeftovers();
  console.log(`left by the killed run (pid ${killedPid}):\n  ${left.join('\n  ')}`);
  const node = left.find((l) => l.startsWith('node container '))?.slice('node container '.length) ?? '';
  expect(node).toMatch(NODE);
  expect(left.some((l) => l.startsWith('engine process'))).toBe(true);

  const cleanup = coco(['cleanup'], CLEANUP_TIMEOUT_MS);
  expect(cleanup.status, cleanup.stderr).toBe(0);
  expect(cleanup.stdout).toContain(`removed node container ${node}`);
  expect(cleanup.stdout).toContain(`kind cluster cleaned up (left by run pid ${killedPid})`);
  expect(kindLeftovers()).toEqual([]);
  const again = coco(['cleanup'], CLEANUP_TIMEOUT_MS);
  expect(again.stdout.trim()).toBe('nothing to clean up: no local cluster of coco-conformance on this machine');
});

/** What of a kind cluster this machine still has: the engine's process, its containers (asked through its own
 *  socket while it runs, read from its data root when it is stopped), the node network's bridge, the node's kubelet,
 *  the state file. */
function kindLeftovers(): string[] {
  const found: string[] = [];
  for (const line of spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' }).stdout.split('\n')) {
    const [pid, stat, ...args] = line.trim().split(/\s+/);
    if (!pid || !stat || stat.startsWith('Z')) continue;
    const command = args.join(' ');
    if (command.includes(`unix://${ENGINE_SOCKET}`)) found.push(`engine process ${pid}`);
    if (/^\/usr\/bin\/kubelet /.test(command)) found.push(`node kubelet ${pid}`);
  }
  if (existsSync(ENGINE_SOCKET)) {
    const ps = spawnSync('docker', ['-H', `unix://${ENGINE_SOCKET}`, 'ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' });
    for (const name of ps.stdout.split('\n').filter(Boolean)) found.push(`node container ${name}`);
  } else {
    // A stopped engine keeps its containers in its data root (a teardown that skipped `kind delete` and stopped the
    // engine passed this check before): the engine's own record of each, containers/<id>/config.v2.json.
    const containers = join(ENGINE_DATA_ROOT, 'containers');
    for (const id of existsSync(containers) ? readdirSync(containers) : []) {
      const record = join(containers, id, 'config.v2.json');
      if (existsSync(record)) found.push(`node container ${(JSON.parse(readFileSync(record, 'utf8')) as { Name: string }).Name.replace(/^\//, '')}`);
    }
  }
  if (/^\d+: coco-kind0[:@]/m.test(spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout)) found.push('interface coco-kind0');
  if (existsSync(STATE_FILE)) found.push(`state file ${STATE_FILE}`);
  return found;
}
