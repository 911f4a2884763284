import { readdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stopDaemon, stopProcesses } from '../../../lib/exec/daemon.ts';
import { runCommand } from '../../../lib/exec/run-command.ts';
import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from '../shared/step-command.ts';
import { IPTABLES_FAMILIES, withoutClusterChains } from './iptables-rules.ts';
import { BUNDLE_CRI_SOCKET, PACKAGES_CRI_SOCKET } from './kubeadm-config.ts';
import { findLocalClusterLeftovers, type Leftover, type LocalClusterLeftovers } from './local-cluster-leftovers.ts';
import { NODE_LAYOUT, nodeRuntimeCommand } from './node-layout.ts';
import { removeNodeAddress } from './node-address.ts';

export interface LocalClusterCleanup {
  /** What was there before and is gone now. */
  removed: Leftover[];
  /** What is still there: a failure the caller reports. */
  remaining: Leftover[];
  /** The pid of the run that had started the cluster, when known. */
  earlierRun?: number;
}

/** The local cluster belongs to a run that is still running: it tears down its own cluster. */
export class LocalClusterInUseError extends Error {
  constructor(readonly pid: number, startedAt: string | undefined) {
    super(`it belongs to run pid ${pid}${startedAt ? ` (started ${startedAt})` : ''}, which is still running; wait for that run ` +
      `to end, or stop it (kill -TERM ${pid}: its teardown removes the cluster; \`coco-conformance cleanup\` removes what is left)`);
    this.name = 'LocalClusterInUseError';
  }
}

/** Removes every leftover of the local cluster found by its markers, in an order that lets each part go cleanly:
 *  the kubelet first (it would restart pods), the pods through our containerd while it still answers (so it reaps
 *  its shims), kubeadm reset, containerd, then whatever still runs (shims, containers, registries, the earlier
 *  run's children), mounts, files, interfaces, iptables chains, pod cgroups, and the state file last. The one
 *  teardown of the local cluster: destroy, a run that finds an earlier run's cluster, and `coco-conformance
 *  cleanup` use it. Idempotent; a cluster whose owning run is still running is refused (LocalClusterInUseError). */
export async function cleanLocalCluster(ctx: ProviderContext, source: 'bundle' | 'packages' = 'bundle'): Promise<LocalClusterCleanup> {
  if (ctx.dryRun) {
    await recordCleanup(ctx, source);
    return { removed: [], remaining: [] };
  }
  const before = await findLocalClusterLeftovers();
  if (before.owner?.status === 'running') throw new LocalClusterInUseError(before.owner.pid, before.owner.startedAt);
  if (before.items.length === 0) return { removed: [], remaining: [], earlierRun: before.owner?.pid };
  const recordedSource = typeof before.state === 'object' ? before.state.source : source;
  if (recordedSource === 'bundle') await stopBundleNode(ctx, before);
  else await kubeadmReset(ctx, PACKAGES_CRI_SOCKET);
  await removeNodeState(ctx);
  const after = await findLocalClusterLeftovers();
  const key = (item: Leftover) => `${item.kind} ${item.id}`;
  const left = new Set(after.items.map(key));
  return { removed: before.items.filter((item) => !left.has(key(item))), remaining: after.items, earlierRun: before.owner?.pid };
}

/** One line per kind of leftover, for a person to read. */
export function describeLeftovers(items: readonly Leftover[]): string[] {
  const byKind = new Map<string, Leftover[]>();
  for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
  return [...byKind].map(([kind, group]) => {
    const name = group.length === 1 ? kind : kind.endsWith('s') ? `${kind}es` : `${kind}s`;
    if (kind === 'mount' || kind === 'cgroup') return `${group.length} ${name}: ${shortList(group.map((g) => g.id))}`;
    return `${name}: ${group.map((g) => (g.why ? `${g.id} [${g.why}]` : g.id)).join(', ')}`;
  });
}

async function stopBundleNode(ctx: ProviderContext, before: LocalClusterLeftovers): Promise<void> {
  const named = (name: string) => before.items.filter((i) => i.kind === 'process' && i.id.startsWith(`${name} `)).map((i) => i.pid!);
  await stopDaemon(NODE_LAYOUT.kubeletPidFile);
  await stopProcesses(named('kubelet'));
  // The pods before kubeadm reset: reset would stop them one by one with grace periods (about 4 s against 1 s),
  // and with the apiserver gone it takes etcd's data folder from the pod spec instead.
  if (await containerdAnswers()) await removePods(ctx);
  if (before.items.some((i) => i.kind === 'path' && i.id === '/etc/kubernetes')) await kubeadmReset(ctx, BUNDLE_CRI_SOCKET);
  await stopDaemon(NODE_LAYOUT.containerdPidFile);
  await stopProcesses(named('containerd'));
  // With containerd gone, what is left runs on its own: containers first (a shim would report their exit to no
  // one), then every other process that still carries a marker.
  const now = await findLocalClusterLeftovers();
  for (const container of now.items.filter((i) => i.kind === 'container')) {
    const [namespace, id] = container.id.split('/');
    const root = join(NODE_LAYOUT.runcRoot, namespace!);
    const full = readdirSafe(root).find((name) => name.startsWith(id!)) ?? id!;
    await stepCommand(ctx, 'remove containers', [nodeRuntimeCommand('runc'), '--root', root, 'delete', '--force', full], { nothrow: true, timeoutMs: 30_000 });
  }
  const processes = (await findLocalClusterLeftovers()).items.filter((i) => i.kind === 'process').map((i) => i.pid!);
  await stopProcesses(processes, { graceMs: 5_000 });
  for (const mount of (await findLocalClusterLeftovers()).items.filter((i) => i.kind === 'mount')) {
    await stepCommand(ctx, 'unmount', ['umount', '-l', mount.id], { nothrow: true });
  }
}

/** Files, interfaces, chains and cgroups: the same for a node from the bundle and from packages. */
async function removeNodeState(ctx: ProviderContext): Promise<void> {
  const now = await findLocalClusterLeftovers();
  const paths = now.items.filter((i) => i.kind === 'path' || i.kind === 'cell folder');
  if (paths.length) await stepCommand(ctx, 'remove state', ['rm', '-rf', ...paths.map((i) => i.id)]);
  // A killed run's cell folder sits in that run's own folder, which nothing else will remove once it is empty.
  for (const cell of paths.filter((i) => i.kind === 'cell folder')) {
    await stepCommand(ctx, 'remove state', ['rmdir', '--ignore-fail-on-non-empty', dirname(cell.id)], { nothrow: true });
  }
  for (const link of now.items.filter((i) => i.kind === 'interface' && i.id !== NODE_LAYOUT.nodeInterface)) {
    await stepCommand(ctx, 'remove bridge', ['ip', 'link', 'delete', link.id], { nothrow: true });
  }
  if (now.items.some((i) => i.kind === 'interface' && i.id === NODE_LAYOUT.nodeInterface)) await removeNodeAddress(ctx);
  if (now.items.some((i) => i.kind === 'iptables chain')) await removeClusterChains(ctx);
  // A cgroup with a process in it refuses rmdir: a pod of a kubelet still running somewhere keeps its cgroup.
  if (!(await findLocalClusterLeftovers()).items.some((i) => i.kind === 'process' && i.id.startsWith('kubelet '))) {
    for (const cgroup of now.items.filter((i) => i.kind === 'cgroup')) removeCgroupTree(cgroup.id);
  }
  await removeStateFile(ctx);
}

/** Last: while the state file exists, a later run knows a cluster was here. The run folder goes with it only when
 *  empty (runs keep their private state folders in it too). */
async function removeStateFile(ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'remove state', ['rm', '-f', NODE_LAYOUT.stateFile]);
  await stepCommand(ctx, 'remove state', ['rmdir', '--ignore-fail-on-non-empty', NODE_LAYOUT.runDir], { nothrow: true });
}

async function removePods(ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'remove pods', ['crictl', '--runtime-endpoint', BUNDLE_CRI_SOCKET, 'rmp', '--all', '--force'], { nothrow: true, timeoutMs: 120_000 });
}

async function kubeadmReset(ctx: ProviderContext, criSocket: string): Promise<void> {
  await stepCommand(ctx, 'kubeadm reset', ['kubeadm', 'reset', '--force', '--cri-socket', criSocket], { nothrow: true, timeoutMs: 180_000 });
}

async function removeClusterChains(ctx: ProviderContext): Promise<void> {
  for (const { save, restore } of IPTABLES_FAMILIES) {
    const rules = await stepCommand(ctx, 'remove cluster iptables rules', [save], { nothrow: true });
    if (rules.exitCode !== 0 || (!ctx.dryRun && !rules.stdout.trim())) continue;
    await stepCommand(ctx, 'remove cluster iptables rules', [restore], { input: withoutClusterChains(rules.stdout) });
  }
}

async function containerdAnswers(): Promise<boolean> {
  const probe = await runCommand([nodeRuntimeCommand('ctr'), '--address', NODE_LAYOUT.containerdSocket, 'version'], { nothrow: true, timeoutMs: 5_000 });
  return probe.exitCode === 0;
}

/** The commands a real teardown of a just-created cluster runs, for a dry run's record. */
async function recordCleanup(ctx: ProviderContext, source: 'bundle' | 'packages'): Promise<void> {
  if (source === 'packages') {
    await kubeadmReset(ctx, PACKAGES_CRI_SOCKET);
    await removeNodeAddress(ctx);
    await removeStateFile(ctx);
    return;
  }
  ctx.record('stop kubelet', ['sh', '-c', `kill -TERM "$(cut -d' ' -f1 ${NODE_LAYOUT.kubeletPidFile})"`]);
  await removePods(ctx);
  await kubeadmReset(ctx, BUNDLE_CRI_SOCKET);
  ctx.record('stop containerd', ['sh', '-c', `kill -TERM "$(cut -d' ' -f1 ${NODE_LAYOUT.containerdPidFile})"`]);
  ctx.record('remove leftovers', '# then whatever still carries a marker: processes, containers, mounts (coco-conformance cleanup)');
  await stepCommand(ctx, 'remove state', ['rm', '-rf', NODE_LAYOUT.containerdState, NODE_LAYOUT.runcRoot, NODE_LAYOUT.stateDir,
    NODE_LAYOUT.configDir, NODE_LAYOUT.cniConfFile, '/var/lib/cni/networks/coco-conformance', '/etc/kubernetes', '/var/lib/kubelet', '/var/lib/etcd']);
  await stepCommand(ctx, 'remove bridge', ['ip', 'link', 'delete', NODE_LAYOUT.bridge]);
  await removeNodeAddress(ctx);
  await removeClusterChains(ctx);
  await removeStateFile(ctx);
}

/** rmdir depth first; cgroupfs refuses to remove a cgroup that still has processes or children. */
function removeCgroupTree(dir: string): void {
  for (const name of readdirSafe(dir)) {
    const child = join(dir, name);
    try {
      if (statSync(child).isDirectory()) removeCgroupTree(child);
    } catch {
      // gone meanwhile
    }
  }
  try {
    rmdirSync(dir);
  } catch {
    // busy: reported as remaining by the caller's final look
  }
}

function shortList(ids: string[]): string {
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')}, … (${ids.length - 3} more)`;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
