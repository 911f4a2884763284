import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRegistryHosts } from '../providers/kubeadm/containerd-config.ts';
import { NODE_LAYOUT } from '../providers/kubeadm/node-layout.ts';

/** Lets this node's containerd pull from a plain-http registry on this machine: a hosts.toml in the registry
 *  config folder of the harness's own containerd (offline-bundle node), else the system containerd's.
 *  containerd reads these files at every pull, so no restart is needed. Returns the undo. */
export function trustLocalRegistry(hostPort: string): () => void {
  const base = existsSync(NODE_LAYOUT.containerdConfig) ? NODE_LAYOUT.registryHostsDir : '/etc/containerd/certs.d';
  const dir = join(base, hostPort);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hosts.toml'), renderRegistryHosts(hostPort));
  return () => rmSync(dir, { recursive: true, force: true });
}
