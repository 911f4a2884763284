import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, stopDaemon } from '../../exec/daemon.ts';
import { runCommand } from '../../exec/run-command.ts';
import { renderBridgeConflist } from './cni-config.ts';
import { renderContainerdConfig } from './containerd-config.ts';
import { withoutClusterChains } from './iptables-rules.ts';
import { NODE_LAYOUT } from './node-layout.ts';
import { BUNDLE_IMAGES, BUNDLE_NODE_BINARIES, type OfflineBundle } from './offline-bundle.ts';
import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand, stepFile } from '../shared/step-command.ts';

const CRICTL_CONFIG = '/etc/crictl.yaml';
const CRICTL_CONFIG_CONTENT = `runtime-endpoint: unix://${NODE_LAYOUT.containerdSocket}\nimage-endpoint: unix://${NODE_LAYOUT.containerdSocket}\n`;
const CTR = (...args: string[]) => ['ctr', '--address', NODE_LAYOUT.containerdSocket, ...args];

/** Prepares this machine as a kubeadm node from the offline bundle: binaries, sysctls, a containerd of our own,
 *  the pod network config and the control-plane images. Everything it creates is undone by cleanBundleNode. */
export async function prepareBundleNode(bundle: OfflineBundle, ctx: ProviderContext): Promise<void> {
  for (const binary of BUNDLE_NODE_BINARIES) {
    await stepCommand(ctx, 'install binaries', ['install', '-m', '0755', join(bundle.binDir, binary), join(NODE_LAYOUT.binDir, binary)]);
  }
  // kubeadm preflight requires forwarding and bridged traffic to pass iptables.
  await stepFile(ctx, 'sysctl', '/proc/sys/net/ipv4/ip_forward', '1\n');
  await stepFile(ctx, 'sysctl', '/proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
  await stepFile(ctx, 'containerd config', NODE_LAYOUT.containerdConfig,
    renderContainerdConfig(`${bundle.imageRepository}/pause:${bundle.pauseTag}`));
  await stepFile(ctx, 'pod network', NODE_LAYOUT.cniConfFile, renderBridgeConflist());
  // Node-side checks (crictl inspectp for a pod's sandbox id) must reach our containerd like on any kubeadm node.
  if (!existsSync(CRICTL_CONFIG)) await stepFile(ctx, 'crictl config', CRICTL_CONFIG, CRICTL_CONFIG_CONTENT);
  if (ctx.dryRun) {
    await stepCommand(ctx, 'start containerd', ['containerd', '--config', NODE_LAYOUT.containerdConfig]);
  } else {
    startDaemon({
      name: 'containerd',
      argv: ['containerd', '--config', NODE_LAYOUT.containerdConfig],
      logFile: `${NODE_LAYOUT.logDir}/containerd.log`,
      pidFile: NODE_LAYOUT.containerdPidFile,
    });
    await waitForContainerd(30_000);
  }
  for (const image of BUNDLE_IMAGES) {
    await stepCommand(ctx, 'import images', [...CTR('-n', 'k8s.io', 'images', 'import', '--all-platforms'), join(bundle.imagesDir, `${image}.tar`)]);
  }
}

async function waitForContainerd(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const probe = await runCommand(CTR('version'), { nothrow: true, timeoutMs: 5_000 });
    if (probe.exitCode === 0) return;
    last = probe.stderr.trim();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`failed to start containerd: socket ${NODE_LAYOUT.containerdSocket} not answering after ${timeoutMs / 1000}s: ${last}`);
}

/** Undoes prepareBundleNode after `kubeadm reset`: stops our containerd, unmounts what pods left, removes our state,
 *  the bridge and the CNI state, and the cluster's iptables chains. */
export async function cleanBundleNode(ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'remove pods', ['crictl', '--runtime-endpoint', `unix://${NODE_LAYOUT.containerdSocket}`, 'rmp', '--all', '--force'], { nothrow: true });
  if (ctx.dryRun) await stepCommand(ctx, 'stop containerd', ['sh', '-c', `kill -TERM "$(cat ${NODE_LAYOUT.containerdPidFile})"`]);
  else await stopDaemon(NODE_LAYOUT.containerdPidFile);
  for (const mount of mountsUnder(['/var/lib/kubelet', NODE_LAYOUT.containerdRoot, NODE_LAYOUT.containerdState, '/run/netns'])) {
    await stepCommand(ctx, 'unmount', ['umount', '-l', mount], { nothrow: true });
  }
  await stepCommand(ctx, 'remove state', ['rm', '-rf', NODE_LAYOUT.containerdRoot, NODE_LAYOUT.containerdState, NODE_LAYOUT.cniConfFile,
    '/var/lib/cni/networks/coco-conformance', '/var/lib/kubelet', '/etc/kubernetes',
    // kubeadm reset leaves etcd's data when it cannot read the cluster's config any more; the next init refuses it.
    '/var/lib/etcd']);
  if (ctx.dryRun || (existsSync(CRICTL_CONFIG) && readFileSync(CRICTL_CONFIG, 'utf8') === CRICTL_CONFIG_CONTENT)) {
    await stepCommand(ctx, 'remove crictl config', ['rm', '-f', CRICTL_CONFIG]);
  }
  await stepCommand(ctx, 'remove bridge', ['ip', 'link', 'delete', NODE_LAYOUT.bridge], { nothrow: true });
  for (const [save, restore] of [['iptables-save', 'iptables-restore'], ['ip6tables-save', 'ip6tables-restore']] as const) {
    const rules = await stepCommand(ctx, 'remove cluster iptables rules', [save], { nothrow: true });
    if (rules.exitCode !== 0 || (!ctx.dryRun && !rules.stdout.trim())) continue;
    await stepCommand(ctx, 'remove cluster iptables rules', [restore], { input: withoutClusterChains(rules.stdout) });
  }
}

function mountsUnder(prefixes: string[]): string[] {
  if (!existsSync('/proc/mounts')) return [];
  const points = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '');
  // Deepest first, so nested mounts go before their parents.
  return points.filter((p) => prefixes.some((prefix) => p === prefix || p.startsWith(`${prefix}/`))).sort((a, b) => b.length - a.length);
}
