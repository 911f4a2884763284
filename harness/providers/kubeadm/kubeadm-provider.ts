import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import type { ClusterInfo, ClusterProvider, ProviderContext, ProvisionedCluster } from '../cluster-provider.ts';
import { prepareBundleNode } from './bundle-node.ts';
import { BUNDLE_CRI_SOCKET, PACKAGES_CRI_SOCKET, renderKubeadmConfig } from './kubeadm-config.ts';
import { startKubeletWhenConfigured } from './kubelet-process.ts';
import { cleanLocalCluster, describeLeftovers, LocalClusterInUseError } from './local-cluster-cleanup.ts';
import { findLocalClusterLeftovers } from './local-cluster-leftovers.ts';
import { beginLocalClusterState, KUBEADM_CONFIG_FILE, ownerStatus, readLocalClusterState } from './local-cluster-state.ts';
import { createNodeAddress } from './node-address.ts';
import { NODE_LAYOUT, NODE_RUNTIME } from './node-layout.ts';
import { ensureOfflineBundle, OFFLINE_BUNDLE_BUILD_SCRIPT, plannedBundle, type OfflineBundle } from './offline-bundle.ts';
import { commandOutputToFile, kubectlArgv, stepCommand, stepFile } from '../shared/step-command.ts';
import { clusterVersions, listNodes, PROVISION_TIMEOUTS, waitNodesReady } from '../shared/node-list.ts';

const ADMIN_CONF = '/etc/kubernetes/admin.conf';
const EARLIER_CLUSTER_LOG = `${NODE_LAYOUT.logDir}/earlier-cluster-cleanup.log`;
/** Flannel is the pod network upstream's kubeadm runners apply (kata 3.31.0 tests/gha-run-k8s-common.sh:515-516
 *  applies releases/latest; pinned here, so a night's run does not change with flannel's releases). v0.28.10 is
 *  flannel's newest tag on the Go module proxy (github.com/flannel-io/flannel/@v/list, 2026-10-08); the one place
 *  the pin lives. */
export const FLANNEL_VERSION = 'v0.28.10';
const FLANNEL_MANIFEST = `https://github.com/flannel-io/flannel/releases/download/${FLANNEL_VERSION}/kube-flannel.yml`;
/** Checks that cannot pass in a VM without kernel config, or that the bundle answers differently (no systemd). */
// HTTPProxyCIDR: kubeadm v1.30 formats "https://[<IPv4>]:1234", which Go ≥ 1.26's stricter net/url rejects (v1.35 uses
// net.JoinHostPort: cmd/kubeadm/app/preflight/checks.go:519); the check only matters behind an HTTP proxy, which this
// machine has none of.
const IGNORED_PREFLIGHT = ['SystemVerification', 'Swap', 'Service-Kubelet', 'FileExisting-crictl', 'HTTPProxyCIDR'];

/** kubeadm on this machine. `source: packages` (a hardware runner with kubeadm, kubelet and containerd installed
 *  as upstream's CI has them, the system containerd on its usual socket) or `source: bundle` (the offline bundle
 *  built from the Go module proxy: Kubernetes, and the containerd, shim and runc the harness installs off PATH and
 *  starts itself with the kubelet, because there is no systemd). */
export class KubeadmProvider implements ClusterProvider {
  readonly distro = 'kubeadm' as const;
  private bundle?: OfflineBundle;
  /** Where this provider's node came from, known from create on: teardown (also a dry run's) undoes that. */
  private source?: 'bundle' | 'packages';

  async create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    const fromBundle = spec.source === 'bundle';
    this.source = fromBundle ? 'bundle' : 'packages';
    const nodeName = hostname().toLowerCase();
    await this.removeEarlierCluster(ctx);
    if (!ctx.dryRun) beginLocalClusterState(fromBundle ? 'bundle' : 'packages', ctx.workDir);
    const advertiseAddress = await createNodeAddress(ctx);
    // From packages, the installed kubeadm serves the spec's minor; from the bundle, the bundle's own version.
    let kubernetesVersion = `v${spec.kubernetes ?? plannedBundle().kubernetes.replace(/^v(\d+\.\d+).*/, '$1')}.0`;
    if (fromBundle) {
      if (ctx.dryRun) ctx.record('offline bundle', ['bash', OFFLINE_BUNDLE_BUILD_SCRIPT]);
      this.bundle = ctx.dryRun ? plannedBundle() : await ensureOfflineBundle(ctx.log);
      kubernetesVersion = this.bundle.kubernetes;
      ctx.log(`kubeadm: preparing the node from the offline bundle ${this.bundle.dir}`);
      await prepareBundleNode(this.bundle, ctx);
    }
    const configPath = join(ctx.workDir, KUBEADM_CONFIG_FILE);
    await stepFile(ctx, 'kubeadm config', configPath, renderKubeadmConfig({
      kubernetesVersion,
      nodeName,
      advertiseAddress,
      criSocket: fromBundle ? BUNDLE_CRI_SOCKET : PACKAGES_CRI_SOCKET,
      imageRepository: this.bundle?.imageRepository,
      etcdImageTag: this.bundle?.etcdImageTag,
      cgroupDriver: fromBundle ? 'cgroupfs' : 'systemd',
      // The bundle has no CoreDNS image and the suites address the node by IP, so neither addon is needed.
      skipPhases: fromBundle ? ['addon/coredns', 'addon/kube-proxy'] : [],
    }));
    await this.kubeadmInit(configPath, fromBundle, ctx);
    const kubeconfigPath = join(ctx.workDir, 'kubeconfig');
    if (ctx.dryRun) ctx.record('kubeconfig', ['cp', ADMIN_CONF, kubeconfigPath]);
    else {
      mkdirSync(ctx.workDir, { recursive: true });
      copyFileSync(ADMIN_CONF, kubeconfigPath);
    }
    const kubectl = (...args: string[]) => kubectlArgv(kubeconfigPath, undefined, ...args);
    if (!fromBundle) await stepCommand(ctx, 'pod network', kubectl('apply', '-f', FLANNEL_MANIFEST));
    // kubeadm already leaves no taint (taints: [] above); removing it again is harmless on older configs.
    await stepCommand(ctx, 'untaint', kubectl('taint', 'nodes', '--all', 'node-role.kubernetes.io/control-plane-'), { nothrow: true });
    await stepCommand(ctx, 'label worker', kubectl('label', 'node', nodeName, 'node.kubernetes.io/worker=', '--overwrite'));
    const cluster: ProvisionedCluster = { name: 'coco-conformance', kubeconfigPath, nodes: [], createdByHarness: true };
    await waitNodesReady(cluster, ctx, PROVISION_TIMEOUTS.nodesReadySeconds);
    cluster.nodes = ctx.dryRun ? [{ name: nodeName, internalIp: advertiseAddress, labels: {} }] : await this.nodes(cluster, ctx);
    return cluster;
  }

  private async kubeadmInit(configPath: string, fromBundle: boolean, ctx: ProviderContext): Promise<void> {
    const argv = ['kubeadm', 'init', '--config', configPath, `--ignore-preflight-errors=${IGNORED_PREFLIGHT.join(',')}`];
    if (ctx.dryRun || !fromBundle || !this.bundle) {
      if (fromBundle) ctx.record('start kubelet', ['kubelet', '--config=/var/lib/kubelet/config.yaml', '…flags from /var/lib/kubelet/kubeadm-flags.env']);
      await stepCommand(ctx, 'kubeadm init', argv);
      return;
    }
    let initDone = false;
    const init = stepCommand(ctx, 'kubeadm init', argv).finally(() => { initDone = true; });
    const kubelet = startKubeletWhenConfigured(this.bundle.binDir, 300_000, () => initDone);
    // Both settle: the kubelet wait gives up as soon as init ends. kubeadm's own error carries the more useful text,
    // so it wins when both fail.
    const [initResult] = await Promise.allSettled([init, kubelet]);
    if (initResult.status === 'rejected') throw initResult.reason;
    await kubelet;
  }

  /** Removes the local cluster by its markers. A cluster whose state file names another run that is still
   *  running is that run's: this run's create refused it, and its teardown leaves it alone. */
  async destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    if (!cluster.createdByHarness) return;
    const state = ctx.dryRun ? undefined : readLocalClusterState();
    if (typeof state === 'object' && ownerStatus(state) === 'running') return;
    // The state file knows a real run's source; a dry run has none, and its create said which it planned.
    const source = typeof state === 'object' ? state.source : this.source ?? 'bundle';
    const result = await cleanLocalCluster(ctx, source);
    if (result.remaining.length) {
      throw new Error(`failed to tear down the local cluster: still there after cleanup: ${describeLeftovers(result.remaining).join('; ')}`);
    }
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  async nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return listNodes(cluster, ctx, hostname().toLowerCase());
  }

  async loadImage(_cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    const [ctr, address] = this.bundle ? [NODE_RUNTIME.ctr, NODE_LAYOUT.containerdSocket] : ['ctr', '/run/containerd/containerd.sock'];
    await stepCommand(ctx, 'load image', [ctr, '--address', address, '-n', 'k8s.io', 'images', 'import', '--all-platforms', archivePath]);
  }

  async collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    for (const name of ['kubelet', 'containerd']) {
      await commandOutputToFile(ctx, ['tail', '-n', '2000', `${NODE_LAYOUT.logDir}/${name}.log`], join(dir, `${name}.log`));
    }
    if (!ctx.dryRun && existsSync(EARLIER_CLUSTER_LOG)) copyFileSync(EARLIER_CLUSTER_LOG, join(dir, 'earlier-cluster-cleanup.log'));
    await commandOutputToFile(ctx, kubectlArgv(cluster.kubeconfigPath, cluster.context, 'get', 'pods', '-A', '-o', 'wide'), join(dir, 'pods.txt'));
  }

  async info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return clusterVersions(cluster, ctx, this.bundle ? 'kubeadm (offline bundle)' : 'kubeadm');
  }

  /** Only one local cluster fits on this machine. One that a killed run left behind (nothing could tear it down)
   *  is found by its markers and removed, in one line of output; one whose run is still running is refused. */
  private async removeEarlierCluster(ctx: ProviderContext): Promise<void> {
    if (ctx.dryRun) {
      ctx.record('earlier cluster', '# a local cluster an earlier run left behind is removed first (coco-conformance cleanup)');
      return;
    }
    rmSync(EARLIER_CLUSTER_LOG, { force: true });
    const earlier = await findLocalClusterLeftovers();
    if (earlier.items.length === 0) return;
    if (earlier.owner?.status === 'running') {
      const inUse = new LocalClusterInUseError(earlier.owner.pid, earlier.owner.startedAt);
      throw new Error(`failed to provision the local cluster: the one on this machine is in use: ${inUse.message}`);
    }
    const found = earlier.items.slice(0, 3).map((i) => `${i.kind} ${i.id}`).join(', ') + (earlier.items.length > 3 ? ', …' : '');
    ctx.log(`found a local cluster left by an earlier run (${earlier.owner ? `pid ${earlier.owner.pid}` : `no state file; ${found}`}); cleaning it up`);
    const result = await cleanLocalCluster(ctx);
    // The details go to the node's log folder, which collectLogs copies into the cell's logs.
    mkdirSync(NODE_LAYOUT.logDir, { recursive: true });
    writeFileSync(EARLIER_CLUSTER_LOG, [`${new Date().toISOString()} earlier run: ${earlier.owner?.pid ?? 'unknown'}`,
      ...describeLeftovers(result.removed).map((line) => `removed ${line}`),
      ...describeLeftovers(result.remaining).map((line) => `still there: ${line}`), ''].join('\n'));
    if (result.remaining.length) {
      throw new Error(`failed to clean up the local cluster left by an earlier run: still there: ${describeLeftovers(result.remaining).join('; ')}; ` +
        'see `coco-conformance cleanup`');
    }
  }
}
