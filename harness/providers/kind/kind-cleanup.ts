import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from '../../../lib/exec/daemon.ts';
import { readProcess } from '../../../lib/exec/process-table.ts';
import { runCommand } from '../../../lib/exec/run-command.ts';
import type { ProviderContext } from '../cluster-provider.ts';
import { LocalClusterInUseError } from '../kubeadm/local-cluster-cleanup.ts';
import { stepCommand } from '../shared/step-command.ts';
import { engineDataRoot, engineEnv, engineRunning, KIND_LAYOUT, startEngine, stopEngine } from './kind-engine.ts';

/** What a run that creates a kind cluster writes before the engine starts, removed last by the teardown: as long as
 *  it exists, a node container, the network or the engine may be left. */
export interface KindClusterState {
  schemaVersion: 1;
  owner: { pid: number; startTicks: number; startedAt: string };
  clusterName: string;
  workDir: string;
}

export function beginKindState(clusterName: string, workDir: string): void {
  const state: KindClusterState = {
    schemaVersion: 1,
    owner: { pid: process.pid, startTicks: readProcess(process.pid)?.startTicks ?? 0, startedAt: new Date().toISOString() },
    clusterName,
    workDir,
  };
  mkdirSync(KIND_LAYOUT.runDir, { recursive: true });
  writeFileSync(KIND_LAYOUT.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

/** The state file, 'unreadable' when it cannot be parsed (it still says a cluster was here), or undefined. */
export function readKindState(): KindClusterState | 'unreadable' | undefined {
  if (!existsSync(KIND_LAYOUT.stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(KIND_LAYOUT.stateFile, 'utf8')) as KindClusterState;
  } catch {
    return 'unreadable';
  }
}

/** The run that owns the kind cluster, when that run is another one and still running. */
function runningOwner(state: ReturnType<typeof readKindState>): KindClusterState['owner'] | undefined {
  if (typeof state !== 'object' || state.owner.pid === process.pid) return undefined;
  return isRunning(state.owner.pid, state.owner.startTicks || undefined) ? state.owner : undefined;
}

export interface KindCleanup {
  /** One line per thing removed ("node container coco-conformance-control-plane", "engine pid 123", …). */
  removed: string[];
  /** What is still there afterwards: a failure the caller reports. */
  remaining: string[];
  earlierRun?: number;
}

/** Everything of the kind provider still on this machine, by its own markers only: the state file, the engine's pid
 *  file, the node containers our engine holds (kind's cluster label) — asked of the engine while it runs, read from
 *  its data root when it is stopped (a stopped engine keeps them, and the next `kind create` of that name fails) —,
 *  the node network's bridge. (The network's definition stays in the engine's data root, like the node image, for
 *  the next run.) Reads only. */
export async function findKindLeftovers(): Promise<string[]> {
  const items: string[] = [];
  if (engineRunning()) {
    items.push(`engine pid ${readFileSync(KIND_LAYOUT.pidFile, 'utf8').split(/\s+/)[0]}`);
    const containers = await runCommand(['docker', 'ps', '-a', '--filter', `label=${KIND_LAYOUT.clusterLabel}`, '--format', '{{.Names}}'],
      { env: engineEnv(), nothrow: true, timeoutMs: 30_000 });
    items.push(...containers.stdout.split('\n').filter(Boolean).map((name) => `node container ${name}`));
  } else {
    items.push(...storedNodeContainers().map((name) => `node container ${name}`));
  }
  if (existsSync(`/sys/class/net/${KIND_LAYOUT.bridge}`)) items.push(`interface ${KIND_LAYOUT.bridge}`);
  if (existsSync(KIND_LAYOUT.stateFile)) items.push(`state file ${KIND_LAYOUT.stateFile}`);
  return items;
}

/** Removes a kind cluster a run left behind (SIGKILL: nothing could tear it down): the engine is started if it died
 *  too (its data root still holds the node containers), every node container of ours goes with its volumes, then
 *  the engine (with the bridge) and the state file. A cluster whose run still runs is refused (LocalClusterInUseError).
 *  Idempotent: with nothing left it does nothing. */
export async function cleanKindCluster(ctx: ProviderContext): Promise<KindCleanup> {
  const state = readKindState();
  const owner = runningOwner(state);
  if (owner) throw new LocalClusterInUseError(owner.pid, owner.startedAt);
  const earlierRun = typeof state === 'object' ? state.owner.pid : undefined;
  const before = await findKindLeftovers();
  if (before.length === 0) return { removed: [], remaining: [], earlierRun };
  if (!engineRunning()) await startEngine(ctx);
  const containers = await runCommand(['docker', 'ps', '-a', '-q', '--filter', `label=${KIND_LAYOUT.clusterLabel}`],
    { env: engineEnv(), timeoutMs: 30_000 });
  const ids = containers.stdout.split('\n').filter(Boolean);
  // `kind delete cluster` does the same (docker rm -f -v, pkg/cluster/internal/providers/docker/provider.go at v0.33.0);
  // without kind's binary, so a cleanup never waits for a build.
  if (ids.length) await stepCommand(ctx, 'remove node containers', ['docker', 'rm', '-f', '-v', ...ids], { env: engineEnv(), timeoutMs: 120_000 });
  await stopEngine(ctx);
  endKindState();
  const after = await findKindLeftovers();
  return { removed: before.filter((item) => !after.includes(item)), remaining: after, earlierRun };
}

/** The kind node containers a stopped engine keeps in its data root: each container's config.v2.json (the engine's
 *  own record of it: its name, and the labels kind gave it; moby v20.10.24 container/container.go:46, :73 Config,
 *  :77 Name; api/types/container/config.go:65 Labels). */
export function storedNodeContainers(dataRoot = engineDataRoot()): string[] {
  const dir = join(dataRoot, 'containers');
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const id of readdirSync(dir)) {
    try {
      const container = JSON.parse(readFileSync(join(dir, id, 'config.v2.json'), 'utf8')) as { Name?: string; Config?: { Labels?: Record<string, string> } };
      if (container.Config?.Labels?.[KIND_LAYOUT.clusterLabel] !== undefined) names.push((container.Name ?? id).replace(/^\//, ''));
    } catch {
      // a container folder the engine is still writing, or not one of a container: not a kind node of ours
    }
  }
  return names;
}

/** The teardown of this run's own cluster state (destroy), once kind deleted the cluster. */
export function endKindState(): void {
  rmSync(KIND_LAYOUT.registryHostsDir, { recursive: true, force: true });
  rmSync(KIND_LAYOUT.stateFile, { force: true });
  // The run folder goes once empty (the engine's socket and pid file went with it).
  try {
    rmdirSync(KIND_LAYOUT.runDir);
  } catch {
    // not empty, or already gone
  }
}
