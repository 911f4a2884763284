import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_LAYOUT, readLocalClusterState, recordLocalClusterRegistry, renderRegistryHosts } from '../providers/index.ts';

/** Lets this node's containerd pull from a plain-http registry on this machine: a hosts.toml in the registry
 *  config folder of the harness's own containerd (offline-bundle node), else the system containerd's.
 *  containerd reads these files at every pull, so no restart is needed. A cluster whose nodes read them from a
 *  folder of their own (kind: mounted into the node) names it. On the local cluster the registry is
 *  also recorded in its state, so that a later run finds it again should this one be killed. Returns the undo. */
export function trustLocalRegistry(hostPort: string, clusterHostsDir?: string): () => void {
  const state = clusterHostsDir ? undefined : readLocalClusterState();
  const ownContainerd = typeof state === 'object' && state.source === 'bundle';
  const base = clusterHostsDir ?? (ownContainerd ? NODE_LAYOUT.registryHostsDir : '/etc/containerd/certs.d');
  const dir = join(base, hostPort);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hosts.toml'), renderRegistryHosts(hostPort));
  if (typeof state === 'object') recordLocalClusterRegistry(hostPort);
  return () => rmSync(dir, { recursive: true, force: true });
}
