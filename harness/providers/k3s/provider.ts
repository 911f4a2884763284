import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ClusterSpec } from '../../../matrix/cell.ts';
import { DEFAULT_CLUSTER_NAME, type ClusterInfo, type ClusterProvider, type ProvisionedCluster, type ProviderContext } from '../cluster-provider.ts';
import { commandOutputToFile, kubectlArgv, stepCommand, stepFile } from '../shared/step-command.ts';
import { clusterVersions, labelWorker, listNodes, PROVISION_TIMEOUTS, waitNodesReady } from '../shared/node-list.ts';
import { K3S_CONFIG_TEMPLATES, K3S_GENERATED_CONFIG, k3sContainerdConfigVersion, k3sContainerdTemplate, k3sVersion } from './containerd-template.ts';

export interface K3sOptions {
  /** A local copy of https://get.k3s.io; downloaded into the work folder when absent. */
  installScript?: string;
  /** Folder holding a k3s binary of the pinned version (air-gapped runners): the script then downloads nothing. */
  binaryDir?: string;
}

const K3S_KUBECONFIG = '/etc/rancher/k3s/k3s.yaml';
const K3S_UNINSTALL = '/usr/local/bin/k3s-uninstall.sh';

/** k3s at a pinned version on this machine, its embedded containerd configured for guest pull. */
export class K3sProvider implements ClusterProvider {
  readonly distro = 'k3s' as const;

  constructor(private readonly options: K3sOptions = {}) {}

  async create(spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    const { options } = this;
    const version = k3sVersion(spec.kubernetes);
    const script = options.installScript ?? join(ctx.workDir, 'k3s-install.sh');
    if (!options.installScript) await stepCommand(ctx, 'provision', ['curl', '-sfL', '-o', script, 'https://get.k3s.io']);
    if (options.binaryDir) {
      await stepCommand(ctx, 'provision', ['install', '-m', '0755', join(options.binaryDir, 'k3s'), '/usr/local/bin/k3s']);
    }
    await stepCommand(ctx, 'provision', ['sh', script], {
      env: {
        INSTALL_K3S_VERSION: version,
        ...(options.binaryDir ? { INSTALL_K3S_SKIP_DOWNLOAD: 'true' } : {}),
      },
    });
    const kubeconfigPath = join(ctx.workDir, 'kubeconfig');
    // A copy owned by the harness: the original is root-only and k3s rewrites it on restart.
    await stepCommand(ctx, 'provision', ['install', '-m', '0600', K3S_KUBECONFIG, kubeconfigPath]);
    const cluster: ProvisionedCluster = {
      name: ctx.clusterName ?? DEFAULT_CLUSTER_NAME,
      kubeconfigPath,
      nodes: [],
      createdByHarness: true,
    };
    await waitNodesReady(cluster, ctx, PROVISION_TIMEOUTS.nodesReadySeconds);
    await configureContainerd(ctx, version);
    await waitNodesReady(cluster, ctx, PROVISION_TIMEOUTS.nodesReadySeconds);
    await labelWorker(cluster, ctx, k3sNodeName());
    return cluster;
  }

  async destroy(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<void> {
    if (!cluster.createdByHarness) return;
    // The uninstall script removes itself, so a second destroy finds nothing to do: safe to call twice.
    await stepCommand(ctx, 'destroy', ['sh', '-c', `[ ! -x "$1" ] || "$1"`, 'sh', K3S_UNINSTALL]);
  }

  kubeconfig(cluster: ProvisionedCluster): string {
    return cluster.kubeconfigPath;
  }

  nodes(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ProvisionedCluster['nodes']> {
    return listNodes(cluster, ctx, k3sNodeName());
  }

  /** k3s embeds containerd; its ctr talks to it, into the namespace the kubelet uses. */
  async loadImage(_cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
    await stepCommand(ctx, 'load-image', ['k3s', 'ctr', '-n', 'k8s.io', 'images', 'import', archivePath]);
  }

  async collectLogs(cluster: ProvisionedCluster, dir: string, ctx: ProviderContext): Promise<void> {
    await commandOutputToFile(ctx, ['journalctl', '-u', 'k3s', '--no-pager'], join(dir, 'k3s.log'));
    await commandOutputToFile(ctx, ['cat', '/var/lib/rancher/k3s/agent/containerd/containerd.log'], join(dir, 'containerd.log'));
    await commandOutputToFile(
      ctx,
      kubectlArgv(cluster.kubeconfigPath, cluster.context, 'cluster-info', 'dump', '--output-directory', join(dir, 'cluster-info')),
      join(dir, 'cluster-info.log'),
    );
  }

  info(cluster: ProvisionedCluster, ctx: ProviderContext): Promise<ClusterInfo> {
    return clusterVersions(cluster, ctx, 'k3s');
  }
}

/** k3s names its single node after the host. */
function k3sNodeName(): string {
  return hostname();
}

/** k3s generates its containerd config on first start; the template built from it takes effect on restart. A dry
 *  run, with no generated config to read, shows the template file the pinned release's config version names. */
async function configureContainerd(ctx: ProviderContext, k3s: string): Promise<void> {
  if (ctx.dryRun) {
    const version = k3sContainerdConfigVersion(k3s);
    await stepFile(ctx, 'provision', K3S_CONFIG_TEMPLATES[version], '', {
      shown: `# ${K3S_GENERATED_CONFIG} (config version ${version}) with discard_unpacked_layers = false, disable_snapshot_annotations = false and [proxy_plugins.nydus]`,
    });
  } else {
    const template = k3sContainerdTemplate(await readFile(K3S_GENERATED_CONFIG, 'utf8'));
    await stepFile(ctx, 'provision', template.path, template.text);
  }
  await stepCommand(ctx, 'provision', ['systemctl', 'restart', 'k3s']);
}
