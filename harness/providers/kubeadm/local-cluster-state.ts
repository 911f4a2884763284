import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRunning } from '../../../lib/exec/daemon.ts';
import { readProcess } from '../../../lib/exec/process-table.ts';
import { CLUSTER_CHAIN_PREFIXES } from './iptables-rules.ts';
import { NODE_LAYOUT } from './node-layout.ts';

/** Set in the environment of every process a run starts once it owns the local cluster (the daemons, and through
 *  them containerd's shims; the registries; the suites), to the run's pid: a run killed with SIGKILL cannot
 *  tear down, and this is how the next one tells its processes from everyone else's. */
export const LOCAL_CLUSTER_RUN_ENV = 'COCO_CONFORMANCE_RUN';

/** What a run started for the local cluster, written as each part starts, removed last by the cleanup: as long as
 *  the file exists, something of the cluster may be left. */
export interface LocalClusterState {
  schemaVersion: 1;
  source: 'bundle' | 'packages';
  /** The harness process that owns the cluster; pid with start time, since pids are reused. */
  owner: { pid: number; pgid: number; startTicks: number; startedAt: string; argv: string[] };
  /** The cell folder the provider writes its kubeadm config and kubeconfig into; a killed run leaves it behind. */
  workDir: string;
  nodeInterface: string;
  nodeAddress: string;
  bridge: string;
  processes: Array<{ name: string; pid: number; pgid: number; startTicks: number; argv: string[] }>;
  /** host:port of each registry on the node address (found again by the socket listening there). */
  registries: string[];
  /** Where the cluster's mounts live (containerd's rootfs and shm, the kubelet's volumes, the pods' network
   *  namespaces). A root ending in '-' is a name prefix: the CNI plugin names its namespaces /run/netns/cni-<uuid>. */
  mountRoots: string[];
  /** Prefixes of the iptables chains the cluster adds (kubelet, CNI plugins). */
  iptablesChainPrefixes: string[];
}

export type OwnerStatus = 'self' | 'running' | 'gone';

/** The provider's own file in its cell folder: what makes a recorded folder one the cleanup may remove. */
export const KUBEADM_CONFIG_FILE = 'kubeadm-config.yaml';

export const MOUNT_ROOTS = [NODE_LAYOUT.containerdState, NODE_LAYOUT.containerdRoot, '/var/lib/kubelet', '/run/netns/cni-'];

/** Starts the state of a local cluster this process is about to create, and marks every process it starts from
 *  now on (LOCAL_CLUSTER_RUN_ENV). */
export function beginLocalClusterState(source: LocalClusterState['source'], workDir: string): LocalClusterState {
  const self = readProcess(process.pid);
  const state: LocalClusterState = {
    schemaVersion: 1,
    source,
    owner: {
      pid: process.pid,
      pgid: self?.pgid ?? process.pid,
      startTicks: self?.startTicks ?? 0,
      startedAt: new Date().toISOString(),
      argv: process.argv,
    },
    workDir,
    nodeInterface: NODE_LAYOUT.nodeInterface,
    nodeAddress: NODE_LAYOUT.nodeAddress,
    bridge: NODE_LAYOUT.bridge,
    processes: [],
    registries: [],
    mountRoots: MOUNT_ROOTS,
    iptablesChainPrefixes: [...CLUSTER_CHAIN_PREFIXES],
  };
  process.env[LOCAL_CLUSTER_RUN_ENV] = String(process.pid);
  writeState(state);
  return state;
}

/** The state file, or undefined when there is none. An unreadable file still says a cluster was here. */
export function readLocalClusterState(file: string = NODE_LAYOUT.stateFile): LocalClusterState | 'unreadable' | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as LocalClusterState;
    return state.schemaVersion === 1 && typeof state.owner?.pid === 'number' ? state : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export function recordLocalClusterProcess(name: string, pid: number): void {
  const entry = readProcess(pid);
  updateState((state) => {
    state.processes.push({ name, pid, pgid: entry?.pgid ?? pid, startTicks: entry?.startTicks ?? 0, argv: entry?.argv ?? [] });
  });
}

export function recordLocalClusterRegistry(hostPort: string): void {
  updateState((state) => {
    if (!state.registries.includes(hostPort)) state.registries.push(hostPort);
  });
}

/** Whether the run that owns the cluster is this process, still running elsewhere, or gone. */
export function ownerStatus(state: LocalClusterState): OwnerStatus {
  if (state.owner.pid === process.pid) return 'self';
  return isRunning(state.owner.pid, state.owner.startTicks || undefined) ? 'running' : 'gone';
}

/** Updates happen only in the process that owns the cluster; a file of another run is left as it is. */
function updateState(change: (state: LocalClusterState) => void): void {
  const state = readLocalClusterState();
  if (typeof state !== 'object' || state.owner.pid !== process.pid) return;
  change(state);
  writeState(state);
}

/** Written whole and renamed, so a kill in the middle leaves the previous version, never half a file. */
function writeState(state: LocalClusterState): void {
  mkdirSync(dirname(NODE_LAYOUT.stateFile), { recursive: true });
  const partial = `${NODE_LAYOUT.stateFile}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(partial, NODE_LAYOUT.stateFile);
}
