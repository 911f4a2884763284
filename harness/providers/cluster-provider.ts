import type { ClusterSpec } from '../../matrix/cell.ts';

/** What a provisioned cluster gives the rest of the run. */
export interface ProvisionedCluster {
  name: string;
  kubeconfigPath: string;
  context?: string;
  /** Node names with their InternalIP. */
  nodes: Array<{ name: string; internalIp: string; labels: Record<string, string> }>;
  /** true when the harness created it (and so may destroy it). */
  createdByHarness: boolean;
  /** The address of this machine the nodes and pods reach it by, where it is not the node's own InternalIP (kind:
   *  the gateway of the nodes' network): what the control platform's registries and KBS double listen on. */
  hostAddress?: string;
  /** Where a hosts.toml per registry reaches the node's containerd, where it is not the local node's own folder. */
  registryHostsDir?: string;
  /** The API server as a pod reaches it, where that is not the kubeconfig's address (kind publishes it on the
   *  host's loopback). */
  apiServerForPods?: { host: string; port: string };
}

/** Facts a provider knows about its cluster, copied into result records. */
export interface ClusterInfo {
  distro: string;
  kubernetesVersion?: string;
  containerRuntimeVersion?: string;
  [key: string]: unknown;
}

/** Context every provider method receives: where to put files, whether to only print commands. */
export interface ProviderContext {
  /** Working folder for this cell's cluster files (configs, kubeconfig copy, logs). */
  workDir: string;
  /** In dry-run every command is recorded via `record` and nothing runs. */
  dryRun: boolean;
  record: (step: string, argvOrManifest: readonly string[] | string) => void;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Name for a cluster the provider creates (kind cluster name, log folder names); providers default it. */
  clusterName?: string;
}

/** The name of a cluster a provider creates when the context names none. */
export const DEFAULT_CLUSTER_NAME = 'coco-conformance';

/** A small interface, one contract sentence per member (kind's provider is the model). Every external command goes
 *  through lib/exec/run-command.ts. */
export interface ClusterProvider {
  readonly distro: ClusterSpec['distro'];
  /** Bring a cluster to Ready: control plane up, one schedulable worker node labelled node.kubernetes.io/worker=. */
  create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster>;
  /** Remove everything create made (never a cluster the harness did not create). Safe to call twice. */
  destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void>;
  /** Path of a kubeconfig that reaches the cluster. */
  kubeconfig(cluster: ProvisionedCluster): string;
  /** Current nodes with InternalIP and labels. */
  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']>;
  /** Make a local OCI archive available to the node's container runtime (k8s.io namespace). */
  loadImage(cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void>;
  /** Export node and control-plane logs into dir before anything is destroyed. */
  collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void>;
  /** Versions and facts for the result record. */
  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo>;
}
