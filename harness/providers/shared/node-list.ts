import { kubeEventSource, nodesReady, realClock, waitUntil, type Condition } from '../../../lib/cluster/wait/index.ts';
import type { ClusterInfo, ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { kubectlArgv, stepCommand } from './step-command.ts';

type NodeEntry = ProvisionedCluster['nodes'][number];

interface NodeListJson {
  items: Array<{
    metadata: { name: string; labels?: Record<string, string> };
    status?: {
      addresses?: Array<{ type: string; address: string }>;
      nodeInfo?: { containerRuntimeVersion?: string; kubeletVersion?: string; osImage?: string; kernelVersion?: string };
    };
  }>;
}

/** Named limits of the provisioning steps, so an error can say which one ran out. */
export const PROVISION_TIMEOUTS = {
  /** Every node Ready after the control plane came up (kind/k3s pull nothing from outside once images are local). */
  nodesReadySeconds: 300,
} as const;

/** Placeholder a dry run returns where a real run would read the node list, so later steps can still be recorded. */
export const DRY_RUN_NODE_IP = '<node-internal-ip>';

/** Nodes with InternalIP and labels, read with `kubectl get nodes -o json`. */
export async function listNodes(cluster: ProvisionedCluster, ctx: ProviderContext, dryRunName: string): Promise<NodeEntry[]> {
  const result = await stepCommand(ctx, 'nodes', kubectlArgv(cluster.kubeconfigPath, cluster.context, 'get', 'nodes', '-o', 'json'));
  if (ctx.dryRun) return [{ name: dryRunName, internalIp: DRY_RUN_NODE_IP, labels: {} }];
  return parseNodeList(result.stdout);
}

export function parseNodeList(json: string): NodeEntry[] {
  const list = JSON.parse(json) as NodeListJson;
  return list.items.map((node) => ({
    name: node.metadata.name,
    internalIp: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
    labels: node.metadata.labels ?? {},
  }));
}

/** Server version and container runtime of the first node; the facts every provider reports the same way. */
export async function clusterVersions(cluster: ProvisionedCluster, ctx: ProviderContext, distro: string): Promise<ClusterInfo> {
  const version = await stepCommand(ctx, 'info', kubectlArgv(cluster.kubeconfigPath, cluster.context, 'version', '-o', 'json'));
  const nodes = await stepCommand(ctx, 'info', kubectlArgv(cluster.kubeconfigPath, cluster.context, 'get', 'nodes', '-o', 'json'));
  if (ctx.dryRun) return { distro };
  const server = (JSON.parse(version.stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion;
  const first = (JSON.parse(nodes.stdout) as NodeListJson).items[0];
  return {
    distro,
    kubernetesVersion: server,
    containerRuntimeVersion: first?.status?.nodeInfo?.containerRuntimeVersion,
    nodeOsImage: first?.status?.nodeInfo?.osImage,
    nodeKernel: first?.status?.nodeInfo?.kernelVersion,
  };
}

/** Labels the worker the way upstream does (`kubectl label node $NODE node.kubernetes.io/worker=`): after the node
 *  registered, because the NodeRestriction admission forbids a kubelet to set node.kubernetes.io/ labels itself. */
export async function labelWorker(cluster: ProvisionedCluster, ctx: ProviderContext, node: string): Promise<void> {
  await stepCommand(
    ctx,
    'provision',
    kubectlArgv(cluster.kubeconfigPath, cluster.context, 'label', 'node', node, 'node.kubernetes.io/worker=', '--overwrite'),
  );
}

/** Waits on a watch until every node reports Ready, within a named limit; a dry run records the wait, as install
 *  records its waits. */
export function waitNodesReady(cluster: ProvisionedCluster, ctx: ProviderContext, timeoutSeconds: number): Promise<void> {
  return waitInCluster(cluster, ctx, 'provision', nodesReady(), timeoutSeconds);
}

/** One named condition of the wait vocabulary on a provisioned cluster, for the life-cycle steps outside install
 *  (provisioning, the KBS deploy): recorded as `# wait (watch): …` so a dry run shows it. */
export async function waitInCluster(cluster: ProvisionedCluster, ctx: ProviderContext, step: string, condition: Condition<void>,
  timeoutSeconds: number): Promise<void> {
  ctx.record(step, `# wait (watch): ${condition.what} within ${timeoutSeconds}s`);
  if (ctx.dryRun) return;
  const source = kubeEventSource({ path: cluster.kubeconfigPath, context: cluster.context });
  await waitUntil({ source, clock: realClock, signal: ctx.signal }, condition, { timeoutSeconds });
}
