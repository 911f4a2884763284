/** Chains the cluster adds to iptables: the kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, …), kube-proxy's
 *  (KUBE-SERVICES, …) and the CNI plugins' (CNI-HOSTPORT-…, CNI-<hash>). */
const CLUSTER_CHAIN = /\b(KUBE|CNI)-[A-Z0-9-]*/;

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
