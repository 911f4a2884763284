/** Prefixes of the chains the cluster adds to iptables: the kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, …),
 *  kube-proxy's (KUBE-SERVICES, …) and the CNI plugins' (CNI-HOSTPORT-…, CNI-<hash>). */
export const CLUSTER_CHAIN_PREFIXES = ['KUBE-', 'CNI-'] as const;
const alternatives = CLUSTER_CHAIN_PREFIXES.map((prefix) => prefix.slice(0, -1)).join('|');
/** A cluster chain anywhere in a rule (`-A INPUT -j KUBE-FIREWALL`). */
const CLUSTER_CHAIN = new RegExp(`\\b(${alternatives})-[A-Z0-9-]*`);
const CLUSTER_CHAIN_NAME = new RegExp(`^(${alternatives})-`);

/** The two families and their dump and restore commands. */
export const IPTABLES_FAMILIES = [
  { save: 'iptables-save', restore: 'iptables-restore' },
  { save: 'ip6tables-save', restore: 'ip6tables-restore' },
] as const;

/** An `iptables-save` dump without the cluster's chains and the rules that use them. Restoring it replaces every
 *  table it names, so exactly what the cluster added goes and everything else (docker's, the host's) stays. */
export function withoutClusterChains(saveOutput: string): string {
  return saveOutput
    .split('\n')
    .filter((line) => {
      if (line.startsWith(':')) return !CLUSTER_CHAIN.test(line.split(' ')[0] ?? '');
      if (line.startsWith('-A ') || line.startsWith('-I ')) return !CLUSTER_CHAIN.test(line);
      return true;
    })
    .join('\n');
}

/** The cluster's chains in an `iptables-save` dump, as `<table> <chain>`. */
export function clusterChains(saveOutput: string): string[] {
  const chains: string[] = [];
  let table = '';
  for (const line of saveOutput.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const chain = line.startsWith(':') ? line.slice(1).split(' ')[0] ?? '' : '';
    if (CLUSTER_CHAIN_NAME.test(chain)) chains.push(`${table} ${chain}`);
  }
  return chains;
}
