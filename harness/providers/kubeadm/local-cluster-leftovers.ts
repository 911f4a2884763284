import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../../../lib/exec/daemon.ts';
import { listProcesses, pidsListeningOn, processEnvValue, type ProcessEntry } from '../../../lib/exec/process-table.ts';
import { runCommand } from '../../../lib/exec/run-command.ts';
import { clusterChains, IPTABLES_FAMILIES } from './iptables-rules.ts';
import {
  KUBEADM_CONFIG_FILE, LOCAL_CLUSTER_RUN_ENV, MOUNT_ROOTS, ownerStatus, readLocalClusterState, type LocalClusterState, type OwnerStatus,
} from './local-cluster-state.ts';
import { KUBEADM_NODE_PATHS, NODE_LAYOUT, nodeRuntimeCommand } from './node-layout.ts';

export const CRICTL_CONFIG = '/etc/crictl.yaml';
export const CRICTL_CONFIG_CONTENT = `runtime-endpoint: unix://${NODE_LAYOUT.containerdSocket}\nimage-endpoint: unix://${NODE_LAYOUT.containerdSocket}\n`;
/** Folders only the local cluster writes: its containerd's state and root, runc's state, its config. (Not all of
 *  /run/coco-conformance: runs keep their private state folders there, whether or not they have a local cluster.) */
const OWN_DIRS = [NODE_LAYOUT.containerdState, NODE_LAYOUT.runcRoot, NODE_LAYOUT.stateDir, NODE_LAYOUT.configDir];
const CNI_NETWORK_NAME = 'coco-conformance';

export type LeftoverKind = 'process' | 'container' | 'mount' | 'interface' | 'iptables chain' | 'path' | 'cell folder' | 'cgroup' | 'state file';

/** One thing of the local cluster that is still there, and the marker that makes it ours. */
export interface Leftover {
  kind: LeftoverKind;
  id: string;
  why?: string;
  pid?: number;
}

export interface LocalClusterLeftovers {
  state: LocalClusterState | 'unreadable' | undefined;
  /** The run that started the cluster: from the state file, else from the run marker its processes carry. */
  owner?: { pid: number; status: OwnerStatus; startedAt?: string };
  items: Leftover[];
}

/** Everything of the local cluster still on this machine, found by its own markers only — the state file, the run
 *  marker in a process's environment, command lines naming our folders, sockets on the node address, runc state
 *  under our root, the bridge and node interfaces, the cluster's iptables chains, mounts and files under our
 *  folders — so nothing of a system containerd, docker or another cluster is ever counted. Reads only. */
export async function findLocalClusterLeftovers(): Promise<LocalClusterLeftovers> {
  const state = readLocalClusterState();
  const recorded = typeof state === 'object' ? state : undefined;
  const items: Leftover[] = [];
  let owner: LocalClusterLeftovers['owner'] = recorded
    ? { pid: recorded.owner.pid, status: ownerStatus(recorded), startedAt: recorded.owner.startedAt }
    : undefined;

  const bundle = !recorded || recorded.source === 'bundle';
  const roots = recorded?.mountRoots ?? MOUNT_ROOTS;
  const ownRoots = roots.filter((root) => OWN_DIRS.some((dir) => root === dir || root.startsWith(`${dir}/`)));
  if (bundle) {
    const found = ourProcesses(listProcesses(), recorded);
    items.push(...found.processes);
    if (!owner && found.runs.length) {
      const running = found.runs.find((pid) => pid !== process.pid && isRunning(pid));
      owner = { pid: running ?? found.runs[0]!, status: running ? 'running' : found.runs[0] === process.pid ? 'self' : 'gone' };
    }
    items.push(...(await ourContainers()), ...ourMounts(ownRoots));
  }
  items.push(...(await ourInterfaces(recorded)));
  // The kubelet's mounts and folders, kubeadm's, the pod cgroups and the cluster chains exist on any Kubernetes
  // node: ours only when our cluster was here.
  const ourClusterWasHere = state !== undefined || existsSync(NODE_LAYOUT.containerdConfig) || items.length > 0;
  if (ourClusterWasHere) {
    if (bundle) items.push(...ourMounts(roots.filter((root) => !ownRoots.includes(root))));
    items.push(...(await ourChains()));
  }
  items.push(...ourPaths(ourClusterWasHere));
  if (recorded && owner?.status === 'gone' && existsSync(join(recorded.workDir, KUBEADM_CONFIG_FILE))) {
    items.push({ kind: 'cell folder', id: recorded.workDir, why: `run ${recorded.owner.pid}` });
  }
  if (ourClusterWasHere && bundle) items.push(...podCgroups());
  if (state !== undefined) items.push({ kind: 'state file', id: NODE_LAYOUT.stateFile });
  return { state, owner, items };
}

/** The processes of our cluster: recorded in the state file, marked with a run's pid, naming our folders on
 *  their command line, or listening on the node address. Zombies do not count: they have exited already. */
export function ourProcesses(
  table: ProcessEntry[],
  state: LocalClusterState | undefined,
  markerOf: (pid: number) => string | undefined = (pid) => processEnvValue(pid, LOCAL_CLUSTER_RUN_ENV),
  listening: Map<number, string[]> = pidsListeningOn(state?.nodeAddress ?? NODE_LAYOUT.nodeAddress),
): { processes: Leftover[]; runs: number[] } {
  const processes: Leftover[] = [];
  const runs = new Set<number>();
  for (const entry of table) {
    if (entry.pid === process.pid || entry.state === 'Z') continue;
    const recorded = state?.processes.find((p) => p.pid === entry.pid && p.startTicks === entry.startTicks);
    const run = Number(markerOf(entry.pid)) || undefined;
    if (run !== undefined) runs.add(run);
    const ownDir = OWN_DIRS.find((dir) => entry.argv.some((arg) => arg.includes(`${dir}/`)));
    const address = listening.get(entry.pid)?.[0];
    const why = recorded ? `started as ${recorded.name} by run ${state!.owner.pid}`
      : run !== undefined ? `started by run ${run}`
        : ownDir ? `command line names ${ownDir}`
          : address ? `listens on ${address}` : undefined;
    if (why) processes.push({ kind: 'process', id: `${entry.comm} (pid ${entry.pid})`, why, pid: entry.pid });
  }
  return { processes, runs: [...runs] };
}

/** Containers in our runc root (one folder per containerd namespace): a pod's processes outlive a killed shim. */
async function ourContainers(): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const namespace of readdirSafe(NODE_LAYOUT.runcRoot)) {
    const root = join(NODE_LAYOUT.runcRoot, namespace);
    const listing = await runCommand([nodeRuntimeCommand('runc'), '--root', root, 'list', '--format', 'json'], { nothrow: true, timeoutMs: 30_000 });
    type RuncContainer = { id: string; pid: number; status: string };
    const containers = listing.exitCode === 0 ? ((JSON.parse(listing.stdout || 'null') ?? []) as RuncContainer[]) : [];
    for (const { id, pid, status } of containers) {
      found.push({ kind: 'container', id: `${namespace}/${id.slice(0, 12)}`, why: `runc state in ${root} (${status}, pid ${pid})`, pid });
    }
  }
  return found;
}

export function ourMounts(roots: readonly string[]): Leftover[] {
  if (!existsSync('/proc/mounts')) return [];
  const points = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '));
  const under = (point: string, root: string) => point === root || point.startsWith(root.endsWith('-') ? root : `${root}/`);
  // Deepest first, so nested mounts go before their parents.
  return [...new Set(points.filter((p) => roots.some((root) => under(p, root))))]
    .sort((a, b) => b.length - a.length)
    .map((id) => ({ kind: 'mount', id }));
}

/** The node interface, the pod bridge and the pods' veth ends on it. */
async function ourInterfaces(state: LocalClusterState | undefined): Promise<Leftover[]> {
  const listing = await runCommand(['ip', '-o', 'link', 'show'], { nothrow: true });
  const bridge = state?.bridge ?? NODE_LAYOUT.bridge;
  const ours = new Set([state?.nodeInterface ?? NODE_LAYOUT.nodeInterface, bridge]);
  const found: Leftover[] = [];
  for (const line of listing.stdout.split('\n')) {
    const name = line.match(/^\d+:\s+([^:@\s]+)/)?.[1];
    if (!name) continue;
    if (ours.has(name)) found.push({ kind: 'interface', id: name });
    else if (line.includes(` master ${bridge} `)) found.push({ kind: 'interface', id: name, why: `port of ${bridge}` });
  }
  // Ports first: the bridge goes after what hangs on it.
  return found.sort((a, b) => Number(Boolean(b.why)) - Number(Boolean(a.why)));
}

async function ourChains(): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const family of IPTABLES_FAMILIES) {
    const dump = await runCommand([family.save], { nothrow: true });
    if (dump.exitCode !== 0) continue;
    for (const chain of clusterChains(dump.stdout)) found.push({ kind: 'iptables chain', id: `${family.save.replace('-save', '')} ${chain}` });
  }
  return found;
}

function ourPaths(ourClusterWasHere: boolean): Leftover[] {
  const paths: string[] = [
    NODE_LAYOUT.containerdState, NODE_LAYOUT.runcRoot, NODE_LAYOUT.containerdRoot, NODE_LAYOUT.stateDir, NODE_LAYOUT.configDir,
    NODE_LAYOUT.kubeletPidFile, NODE_LAYOUT.containerdPidFile, NODE_LAYOUT.cniConfFile, `/var/lib/cni/networks/${CNI_NETWORK_NAME}`,
    ...readdirSafe('/var/lib/cni/results').filter((n) => n.startsWith(`${CNI_NETWORK_NAME}-`)).map((n) => `/var/lib/cni/results/${n}`),
  ];
  if (ourClusterWasHere) {
    paths.push(...KUBEADM_NODE_PATHS, ...readdirSafe('/run/netns').filter((n) => n.startsWith('cni-')).map((n) => `/run/netns/${n}`));
  }
  if (existsSync(CRICTL_CONFIG) && readFileSync(CRICTL_CONFIG, 'utf8') === CRICTL_CONFIG_CONTENT) paths.push(CRICTL_CONFIG);
  return paths.filter((p) => existsSync(p)).map((id) => ({ kind: 'path', id }));
}

/** The kubelet's pod cgroups (cgroupfs driver: `kubepods` at the top of each hierarchy). */
function podCgroups(): Leftover[] {
  const base = '/sys/fs/cgroup';
  const hierarchies = existsSync(join(base, 'cgroup.controllers')) ? [base] : readdirSafe(base).map((h) => join(base, h));
  return hierarchies.map((h) => join(h, 'kubepods')).filter((dir) => existsSync(dir)).map((id) => ({ kind: 'cgroup', id }));
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
