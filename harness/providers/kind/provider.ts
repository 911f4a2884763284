import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import { DEFAULT_CLUSTER_NAME, type ClusterInfo, type ClusterProvider, type ProvisionedCluster, type ProviderContext } from '../cluster-provider.ts';
import { clusterVersions, labelWorker, listNodes, PROVISION_TIMEOUTS, waitNodesReady } from '../shared/node-list.ts';
import { stepCommand, stepFile } from '../shared/step-command.ts';
import { plannedBundle } from '../kubeadm/offline-bundle.ts';
import { kindClusterConfig, kindNodeImage } from './cluster-config.ts';
import { beginKindState, cleanKindCluster, endKindState } from './kind-cleanup.ts';
import { engineEnv, ensureKindBuild, KIND_LAYOUT, prepareEngine, startEngine, stopEngine, type KindNodeImage } from './kind-engine.ts';

/** A single-node kind cluster whose containerd is configured for guest pull. `source: bundle`: kind built from the
 *  Go module proxy, on the harness's own container engine (kind-engine.ts), with a node image made on this machine
 *  from the offline bundle (scripts/setup/build-kind-node.sh) — nothing is pulled. Otherwise the kind and docker of
 *  the runner, with kind's published node image. */
export class KindProvider implements ClusterProvider {
  readonly distro = 'kind' as const;
  /** From create on: whether this provider runs its own engine (teardown, also a dry run's, undoes that). */
  private ownEngine = false;
  private kind = 'kind';

  async create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    const name = ctx.clusterName ?? DEFAULT_CLUSTER_NAME;
    const configPath = join(ctx.workDir, 'kind-config.yaml');
    const kubeconfigPath = join(ctx.workDir, 'kubeconfig');
    let node: KindNodeImage | undefined;
    this.ownEngine = spec.source === 'bundle';
    if (this.ownEngine) {
      node = await this.prepareOwnEngine(ctx, name);
    }
    await stepFile(ctx, 'provision', configPath, kindClusterConfig(name, node));
    const image = node?.image ?? kindNodeImage(spec.kubernetes);
    await stepCommand(ctx, 'provision', [
      this.kind, 'create', 'cluster', '--name', name, '--config', configPath, '--kubeconfig', kubeconfigPath,
      ...(image ? ['--image', image] : []),
      `--wait=${PROVISION_TIMEOUTS.nodesReadySeconds}s`,
    ], { env: this.env(), timeoutMs: (PROVISION_TIMEOUTS.nodesReadySeconds + 120) * 1000 });
    const cluster: ProvisionedCluster = {
      name,
      kubeconfigPath,
      context: `kind-${name}`,
      nodes: [],
      createdByHarness: true,
      ...(this.ownEngine ? { hostAddress: KIND_LAYOUT.gateway, registryHostsDir: KIND_LAYOUT.registryHostsDir } : {}),
    };
    await waitNodesReady(cluster, ctx, PROVISION_TIMEOUTS.nodesReadySeconds);
    await labelWorker(cluster, ctx, kindNodeName(cluster));
    if (this.ownEngine) {
      // kind publishes the API server on the host's loopback; a pod reaches it on the node (kubeadm's bind port).
      cluster.nodes = await this.nodes(cluster, ctx);
      const nodeIp = cluster.nodes[0]?.internalIp;
      if (nodeIp) cluster.apiServerForPods = { host: nodeIp, port: '6443' };
    }
    return cluster;
  }

  /** Our engine, the state that lets a later run find this cluster should this one be killed, a kind cluster an
   *  earlier killed run left (removed first, in one line), the network and the node image. */
  private async prepareOwnEngine(ctx: ProviderContext, name: string): Promise<KindNodeImage> {
    let node: KindNodeImage;
    if (ctx.dryRun) {
      ctx.record('kind build', ['bash', 'scripts/setup/build-kind.sh']);
      ctx.record('kind build', ['bash', 'scripts/setup/build-kind-node.sh']);
      node = plannedNode();
    } else {
      const built = await ensureKindBuild(ctx.log);
      this.kind = built.kind;
      node = built.node;
      const earlier = await cleanKindCluster(ctx);
      if (earlier.removed.length) {
        ctx.log(`found a kind cluster left by an earlier run (${earlier.earlierRun ? `pid ${earlier.earlierRun}` : 'no state file'}); removed ${earlier.removed.join(', ')}`);
      }
      if (earlier.remaining.length) {
        throw new Error(`failed to clean up the kind cluster left by an earlier run: still there: ${earlier.remaining.join('; ')}; see \`coco-conformance cleanup\``);
      }
      beginKindState(name, ctx.workDir);
      mkdirSync(KIND_LAYOUT.registryHostsDir, { recursive: true });
    }
    await startEngine(ctx);
    await prepareEngine(ctx, node);
    return node;
  }

  async destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    if (!cluster.createdByHarness) return;
    // kind delete is idempotent: deleting a cluster that is already gone succeeds, so destroy is safe to call twice.
    await stepCommand(ctx, 'destroy', [this.kind, 'delete', 'cluster', '--name', cluster.name], { env: this.env() });
    if (!this.ownEngine) return;
    await stopEngine(ctx);
    if (!ctx.dryRun) endKindState();
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return listNodes(cluster, ctx, kindNodeName(cluster));
  }

  /** kind imports the archive into every node's containerd k8s.io namespace. */
  async loadImage(cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    await stepCommand(ctx, 'load-image', [this.kind, 'load', 'image-archive', archivePath, '--name', cluster.name], { env: this.env() });
  }

  /** kind's own export: node journals, containerd and kubelet logs, pod logs of every node. */
  async collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    await stepCommand(ctx, 'collect', [this.kind, 'export', 'logs', dir, '--name', cluster.name], { env: this.env(), nothrow: true });
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return clusterVersions(cluster, ctx, this.ownEngine ? 'kind (node image from the offline bundle)' : 'kind');
  }

  private env(): Record<string, string> | undefined {
    return this.ownEngine ? engineEnv() : undefined;
  }
}

function kindNodeName(cluster: { name: string }): string {
  return `${cluster.name}-control-plane`;
}

/** What a dry run names: the image build-kind-node.sh would make (its key is only known once it ran). */
function plannedNode(): KindNodeImage {
  const bundle = plannedBundle();
  return {
    image: `coco-kind-node.local/node:${bundle.kubernetes}-<key>`, archive: '<cache>/kind/node-<key>/node.tar', kind: '', kubernetes: bundle.kubernetes,
    imageRepository: bundle.imageRepository, etcdImageTag: bundle.etcdImageTag, podSubnet: '10.244.0.0/16',
  };
}
