import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { daemonPid, isRunning, stopProcesses } from '../../lib/exec/daemon.ts';
import { listProcesses, pidsListeningOn, readProcess } from '../../lib/exec/process-table.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { describeLeftovers } from '../../harness/providers/kubeadm/local-cluster-cleanup.ts';
import { ourProcesses } from '../../harness/providers/kubeadm/local-cluster-leftovers.ts';
import { LOCAL_CLUSTER_RUN_ENV, ownerStatus, readLocalClusterState, type LocalClusterState } from '../../harness/providers/kubeadm/local-cluster-state.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('local-cluster-markers');

/** The markers that let a run find what a killed run left, on real processes of this machine (sleep, sh, node):
 *  nothing here touches the local cluster or its state file. */
const started: ChildProcess[] = [];
test.afterEach(() => {
  for (const child of started.splice(0)) if (child.pid && isRunning(child.pid)) process.kill(child.pid, 'SIGKILL');
});

function start(argv: string[], env: Record<string, string> = {}, detached = false): ChildProcess {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore', detached });
  started.push(child);
  return child;
}

/** A pid that ran and exited: a dead run. */
async function exitedPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((done) => child.on('exit', done));
  return child.pid!;
}

function stateOwnedBy(pid: number, startTicks: number): LocalClusterState {
  return {
    schemaVersion: 1, source: 'bundle', owner: { pid, pgid: pid, startTicks, startedAt: '2026-01-01T00:00:00Z', argv: [] }, workDir: '/nowhere',
    nodeInterface: 'coco-node0', nodeAddress: '198.18.0.1', bridge: 'coco0', processes: [], registries: [], mountRoots: [], iptablesChainPrefixes: [],
  };
}

test('a process started by a run carries its marker and is found; an unmarked one is not', async () => {
  const deadRun = await exitedPid();
  const marked = start(['sleep', '30'], { [LOCAL_CLUSTER_RUN_ENV]: String(deadRun) });
  const unmarked = start(['sleep', '30']);
  await expect.poll(() => readProcess(marked.pid!)?.comm).toBe('sleep');
  const { processes, runs } = ourProcesses(listProcesses(), undefined);
  expect(processes.find((p) => p.pid === marked.pid))
    .toEqual({ kind: 'process', id: `sleep (pid ${marked.pid})`, why: `started by run ${deadRun}`, pid: marked.pid });
  expect(processes.some((p) => p.pid === unmarked.pid)).toBe(false);
  expect(runs).toContain(deadRun);
});

test('a command line naming our own folders is a marker; one naming /run/coco-conformance/state (any run\'s) is not', async () => {
  const ours = start(['sh', '-c', 'sleep 30; : "$1"', 'sh', '/etc/coco-conformance/containerd/config.toml']);
  const anyRun = start(['sh', '-c', 'sleep 30; : "$1"', 'sh', '/run/coco-conformance/state/run-1/cell/registry-open/config.yml']);
  await expect.poll(() => readProcess(anyRun.pid!)?.argv.length).toBe(5);
  const { processes } = ourProcesses(listProcesses(), undefined);
  expect(processes.find((p) => p.pid === ours.pid)?.why).toBe('command line names /etc/coco-conformance');
  expect(processes.some((p) => p.pid === anyRun.pid)).toBe(false);
});

test('a process recorded in the state file is found by pid and start time, not by its pid alone', async () => {
  const daemon = start(['sleep', '30']);
  await expect.poll(() => readProcess(daemon.pid!)?.comm).toBe('sleep');
  const entry = readProcess(daemon.pid!)!;
  const state = stateOwnedBy(4_000_000, 1);
  state.processes.push({ name: 'kubelet', pid: entry.pid, pgid: entry.pgid, startTicks: entry.startTicks, argv: entry.argv });
  expect(ourProcesses([entry], state, () => undefined, new Map()).processes[0]?.why).toBe('started as kubelet by run 4000000');
  state.processes[0]!.startTicks += 1; // the same pid, another process: pid reuse
  expect(ourProcesses([entry], state, () => undefined, new Map()).processes).toEqual([]);
});

test('the sockets listening on an address name their process and port', async () => {
  const server = start([process.execPath, '-e', "require('net').createServer().listen(0, '127.0.0.1', function () { console.error(this.address().port) })"]);
  await expect.poll(() => pidsListeningOn('127.0.0.1').get(server.pid!)?.length ?? 0).toBe(1);
  const [address] = pidsListeningOn('127.0.0.1').get(server.pid!)!;
  expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
  const found = ourProcesses([readProcess(server.pid!)!], undefined, () => undefined, new Map([[server.pid!, [address!]]]));
  expect(found.processes[0]?.why).toBe(`listens on ${address}`);
});

test('a zombie is not running and not a leftover: it has exited already', async () => {
  // sh leaves its child unreaped while it sleeps: the child is a zombie for those seconds.
  const parent = start(['sh', '-c', 'sleep 0.1 & exec sleep 30']);
  let zombie: number | undefined;
  await expect.poll(() => (zombie = listProcesses().find((p) => p.ppid === parent.pid && p.state === 'Z')?.pid)).toBeDefined();
  expect(isRunning(zombie!)).toBe(false);
  const entry = { ...readProcess(zombie!)!, state: 'Z' };
  expect(ourProcesses([entry], undefined, () => String(4_000_000), new Map()).processes).toEqual([]);
});

test('stopProcesses ends a process group that ignores TERM with KILL, and reports nothing left', async () => {
  const stubborn = start(['sh', '-c', 'trap "" TERM; sleep 30 & wait'], {}, true);
  await expect.poll(() => listProcesses().some((p) => p.ppid === stubborn.pid && p.comm === 'sleep')).toBe(true);
  const child = listProcesses().find((p) => p.ppid === stubborn.pid && p.comm === 'sleep')!.pid;
  expect(await stopProcesses([stubborn.pid!], { graceMs: 300, group: true })).toEqual([]);
  expect(isRunning(stubborn.pid!)).toBe(false);
  await expect.poll(() => isRunning(child)).toBe(false);
});

test('a pid file names a daemon only while that very process runs', async () => {
  const dir = scratch('pid-files');
  mkdirSync(dir);
  const daemon = start(['sleep', '30']);
  await expect.poll(() => readProcess(daemon.pid!)?.comm).toBe('sleep');
  const ticks = readProcess(daemon.pid!)!.startTicks;
  writeFileSync(join(dir, 'right.pid'), `${daemon.pid} ${ticks}\n`);
  writeFileSync(join(dir, 'reused.pid'), `${daemon.pid} ${ticks + 1}\n`);
  writeFileSync(join(dir, 'gone.pid'), `${await exitedPid()} 1\n`);
  expect(daemonPid(join(dir, 'right.pid'))).toBe(daemon.pid);
  expect(daemonPid(join(dir, 'reused.pid'))).toBeUndefined();
  expect(daemonPid(join(dir, 'gone.pid'))).toBeUndefined();
});

test('the owner of a state file is this process, a run still running, or gone', async () => {
  const running = start(['sleep', '30']);
  await expect.poll(() => readProcess(running.pid!)?.comm).toBe('sleep');
  const ticks = readProcess(running.pid!)!.startTicks;
  expect(ownerStatus(stateOwnedBy(process.pid, readProcess(process.pid)!.startTicks))).toBe('self');
  expect(ownerStatus(stateOwnedBy(running.pid!, ticks))).toBe('running');
  expect(ownerStatus(stateOwnedBy(running.pid!, ticks + 1))).toBe('gone');
  expect(ownerStatus(stateOwnedBy(await exitedPid(), ticks))).toBe('gone');
});

test('a state file that cannot be read still says a cluster was here', () => {
  const dir = scratch('state-files');
  mkdirSync(dir);
  writeFileSync(join(dir, 'half.json'), '{"schemaVersion": 1, "owner": {"pid"');
  writeFileSync(join(dir, 'good.json'), JSON.stringify(stateOwnedBy(123, 4)));
  expect(readLocalClusterState(join(dir, 'absent.json'))).toBeUndefined();
  expect(readLocalClusterState(join(dir, 'half.json'))).toBe('unreadable');
  expect(readLocalClusterState(join(dir, 'good.json'))).toMatchObject({ owner: { pid: 123 } });
});

test('leftovers read as one line per kind, mounts and cgroups counted', () => {
  expect(describeLeftovers([
    { kind: 'process', id: 'kubelet (pid 7)', why: 'started by run 5' },
    { kind: 'process', id: 'etcd (pid 8)', why: 'listens on 198.18.0.1:2380' },
    { kind: 'interface', id: 'coco0' },
    ...['/a', '/b', '/c', '/d'].map((id) => ({ kind: 'mount' as const, id })),
  ])).toEqual([
    'processes: kubelet (pid 7) [started by run 5], etcd (pid 8) [listens on 198.18.0.1:2380]',
    'interface: coco0',
    '4 mounts: /a, /b, /c, … (1 more)',
  ]);
});

test('cleanup takes no options: a wrong one is one line and exit 2, before anything is looked at', async () => {
  const cli = join(import.meta.dirname, '../../bin/coco-conformance.mjs');
  const result = await runCommand([process.execPath, cli, 'cleanup', '--all'], { nothrow: true });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toBe('error: unknown flag --all (flags: --help)\n');
});
