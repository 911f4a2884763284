import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon } from '../../../lib/exec/daemon.ts';
import { runCommand } from '../../../lib/exec/run-command.ts';
import { renderBridgeConflist } from './cni-config.ts';
import { renderContainerdConfig } from './containerd-config.ts';
import { CRICTL_CONFIG, CRICTL_CONFIG_CONTENT } from './local-cluster-leftovers.ts';
import { recordLocalClusterProcess } from './local-cluster-state.ts';
import { NODE_LAYOUT, NODE_RUNTIME } from './node-layout.ts';
import { BUNDLE_IMAGES, BUNDLE_NODE_BINARIES, BUNDLE_RUNTIME_BINARIES, type OfflineBundle } from './offline-bundle.ts';
import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand, stepFile } from '../shared/step-command.ts';

const CTR = (...args: string[]) => [NODE_RUNTIME.ctr, '--address', NODE_LAYOUT.containerdSocket, ...args];

/** Prepares this machine as a kubeadm node from the offline bundle: binaries, sysctls, the bundle's containerd,
 *  the pod network config and the control-plane images. Everything it creates is undone by cleanLocalCluster
 *  (local-cluster-cleanup.ts), which finds it by its markers. */
export async function prepareBundleNode(bundle: OfflineBundle, ctx: ProviderContext): Promise<void> {
  for (const binary of BUNDLE_NODE_BINARIES) {
    await stepCommand(ctx, 'install binaries', ['install', '-m', '0755', join(bundle.binDir, binary), join(NODE_LAYOUT.binDir, binary)]);
  }
  for (const binary of BUNDLE_RUNTIME_BINARIES) {
    await stepCommand(ctx, 'install runtime', ['install', '-D', '-m', '0755', join(bundle.runtimeBinDir, binary), join(NODE_LAYOUT.runtimeBinDir, binary)]);
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
    await stepCommand(ctx, 'start containerd', [NODE_RUNTIME.containerd, '--config', NODE_LAYOUT.containerdConfig]);
  } else {
    const pid = startDaemon({
      name: 'containerd',
      argv: [NODE_RUNTIME.containerd, '--config', NODE_LAYOUT.containerdConfig],
      logFile: `${NODE_LAYOUT.logDir}/containerd.log`,
      pidFile: NODE_LAYOUT.containerdPidFile,
    });
    recordLocalClusterProcess('containerd', pid);
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
