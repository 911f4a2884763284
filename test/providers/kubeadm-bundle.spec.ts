import { expect, test } from '@playwright/test';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterChains, withoutClusterChains } from '../../harness/providers/kubeadm/iptables-rules.ts';
import { renderKubeadmConfig } from '../../harness/providers/kubeadm/kubeadm-config.ts';
import { renderContainerdConfig, renderRegistryHosts } from '../../harness/providers/kubeadm/containerd-config.ts';
import { renderBridgeConflist } from '../../harness/providers/kubeadm/cni-config.ts';
import { plannedBundle } from '../../harness/providers/kubeadm/offline-bundle.ts';
import { providerFor } from '../../harness/providers/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { parseTomlWithTomllib } from '../support/tomllib.ts';
import { recordingContext } from './support/recording-context.ts';

const scratch = scratchDirectory('kubeadm-bundle');

test('iptables cleanup removes the cluster chains and the rules using them, and keeps everything else', () => {
  const saved = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':DOCKER-USER - [0:0]',
    ':KUBE-FIREWALL - [0:0]',
    ':CNI-HOSTPORT-SETMARK - [0:0]',
    '-A INPUT -j KUBE-FIREWALL',
    '-A DOCKER-USER -j RETURN',
    '-A KUBE-FIREWALL -m mark --mark 0x8000/0x8000 -j DROP',
    'COMMIT',
  ].join('\n');
  expect(withoutClusterChains(saved).split('\n')).toEqual([
    '*filter', ':INPUT ACCEPT [0:0]', ':DOCKER-USER - [0:0]', '-A DOCKER-USER -j RETURN', 'COMMIT',
  ]);
});

/** A flag's value in either shape kubeadm reads: a map (v1beta3) or a list of {name, value} (v1beta4). */
function flag(args: Record<string, string> | Array<{ name: string; value: string }>, name: string): string | undefined {
  return Array.isArray(args) ? args.find((a) => a.name === name)?.value : args[name];
}

test('the kubeadm config points kubeadm at the bundle images and never pulls', () => {
  const docs = renderKubeadmConfig({
    kubernetesVersion: 'v1.35.4', nodeName: 'vm', advertiseAddress: '198.18.0.1', criSocket: 'unix:///run/x.sock',
    imageRepository: 'coco-bundle.local', etcdImageTag: '3.6.6-0', cgroupDriver: 'cgroupfs',
    skipPhases: ['addon/coredns', 'addon/kube-proxy'],
  }).split('---\n').map((d) => parse(d) as Record<string, any>);
  const [init, cluster, kubelet] = docs;
  expect(init?.kind).toBe('InitConfiguration');
  expect(init?.nodeRegistration).toMatchObject({ taints: [], imagePullPolicy: 'Never', criSocket: 'unix:///run/x.sock' });
  expect(init?.skipPhases).toEqual(['addon/coredns', 'addon/kube-proxy']);
  expect(cluster).toMatchObject({ kind: 'ClusterConfiguration', kubernetesVersion: 'v1.35.4', imageRepository: 'coco-bundle.local',
    etcd: { local: { imageRepository: 'coco-bundle.local', imageTag: '3.6.6-0' } } });
  expect(kubelet).toMatchObject({ kind: 'KubeletConfiguration', cgroupDriver: 'cgroupfs' });
});

// kubeadm v1.30.14 keeps v1beta4 experimental (cmd/kubeadm/app/util/config/common.go:86-90); v1.35.4 prefers it
// (apis/kubeadm/scheme/scheme.go:47), and its flags are lists: apis/kubeadm/v1beta4/types.go:177,268 (`[]Arg`).
for (const [version, api] of [['v1.24.0', 'v1beta3'], ['v1.30.14', 'v1beta3'], ['v1.31.0', 'v1beta4'], ['v1.35.4', 'v1beta4']] as const) {
  test(`kubeadm ${version} reads its config as kubeadm.k8s.io/${api}, flags in that API's shape`, () => {
    const [init, cluster, kubelet] = renderKubeadmConfig({
      kubernetesVersion: version, nodeName: 'vm', advertiseAddress: '198.18.0.1', criSocket: 'unix:///run/x.sock',
      cgroupDriver: 'systemd', skipPhases: [],
    }).split('---\n').map((d) => parse(d) as Record<string, any>);
    expect([init?.apiVersion, cluster?.apiVersion]).toEqual([`kubeadm.k8s.io/${api}`, `kubeadm.k8s.io/${api}`]);
    const shape = api === 'v1beta3' ? 'map' : 'list';
    expect(Array.isArray(init?.nodeRegistration.kubeletExtraArgs) ? 'list' : 'map').toBe(shape);
    expect(Array.isArray(cluster?.apiServer.extraArgs) ? 'list' : 'map').toBe(shape);
    // The kubelet of v1.35 refuses a cgroup v1 host unless failCgroupV1 is false (a field since v1.31).
    expect(kubelet?.failCgroupV1).toBe(api === 'v1beta4' ? false : undefined);
  });
}

test('a kubernetes version kubeadm could not be given is refused with what was expected', () => {
  expect(() => renderKubeadmConfig({ kubernetesVersion: 'latest', nodeName: 'vm', advertiseAddress: '198.18.0.1',
    criSocket: 'unix:///run/x.sock', cgroupDriver: 'systemd', skipPhases: [] }))
    .toThrow('kubeadm config: kubernetes version latest: expected v1.<minor>.<patch>');
});

for (const version of ['v1.30.14', 'v1.35.4']) {
  test(`the node is advertised, listens and is certified on the node address only (kubeadm ${version})`, () => {
    const [init, cluster, kubelet] = renderKubeadmConfig({
      kubernetesVersion: version, nodeName: 'vm', advertiseAddress: '198.18.0.1', criSocket: 'unix:///run/x.sock',
      cgroupDriver: 'cgroupfs', skipPhases: [],
    }).split('---\n').map((d) => parse(d) as Record<string, any>);
    expect(init?.localAPIEndpoint).toEqual({ advertiseAddress: '198.18.0.1', bindPort: 6443 });
    expect(flag(init?.nodeRegistration.kubeletExtraArgs, 'node-ip')).toBe('198.18.0.1');
    expect(cluster?.apiServer.certSANs).toEqual(['198.18.0.1']);
    expect(flag(cluster?.apiServer.extraArgs, 'bind-address')).toBe('198.18.0.1');
    expect(kubelet?.address).toBe('198.18.0.1');
  });
}

test('containerd is the bundle\'s (config version 4, its shim and runc by path), our own socket and root, cgroupfs, and clamps oom_score_adj', async () => {
  // Read back by an independent TOML implementation. Version 4 and the server plugins: containerd v2.3.7
  // RELEASES.md:446 and cmd/containerd/server/config/config.go:53; CRI plugin ids and keys: docs/cri/config.md.
  const config = await parseTomlWithTomllib(renderContainerdConfig('coco-bundle.local/pause:3.10.1'));
  expect(config).toMatchObject({ version: 4, root: '/var/lib/coco-conformance/containerd', state: '/run/coco-conformance/containerd' });
  // Version 4 has no top-level [grpc]: containerd would ignore it and listen on the system containerd's socket.
  expect(config.grpc).toBeUndefined();
  expect(config.plugins['io.containerd.server.v1.grpc']).toEqual({ address: '/run/coco-conformance/containerd/containerd.sock' });
  expect(config.plugins['io.containerd.server.v1.ttrpc']).toEqual({ address: '/run/coco-conformance/containerd/containerd.sock.ttrpc' });
  const images = config.plugins['io.containerd.cri.v1.images'];
  expect(images).toMatchObject({ snapshotter: 'overlayfs', discard_unpacked_layers: false,
    pinned_images: { sandbox: 'coco-bundle.local/pause:3.10.1' }, registry: { config_path: '/etc/coco-conformance/containerd/certs.d' } });
  const runtime = config.plugins['io.containerd.cri.v1.runtime'];
  expect(runtime.restrict_oom_score_adj).toBe(true);
  expect(runtime.containerd.default_runtime_name).toBe('runc');
  expect(runtime.containerd.runtimes.runc).toEqual({
    runtime_type: 'io.containerd.runc.v2',
    runtime_path: '/usr/local/libexec/coco-conformance/containerd-shim-runc-v2',
    options: { SystemdCgroup: false, BinaryName: '/usr/local/libexec/coco-conformance/runc', Root: '/run/coco-conformance/runc' },
  });
  expect(runtime.cni).toEqual({ bin_dirs: ['/usr/lib/cni'], conf_dir: '/etc/cni/net.d' });
  // No version-2 plugin id: containerd 2.x would migrate it, and a wrong key under it would go unnoticed.
  expect(Object.keys(config.plugins)).not.toContain('io.containerd.grpc.v1.cri');
  expect(config.plugins['io.containerd.nri.v1.nri']).toEqual({ disable: true });
});

test('the bundle\'s containerd itself reads the config as written: `containerd config dump` shows our socket, root, shim, runc and sandbox, with no migration', async () => {
  const containerd = join(plannedBundle().runtimeBinDir, 'containerd');
  expect(existsSync(containerd), `${containerd}: the bundle's containerd is built by scripts/bundle/build.sh (scripts/setup/machine.sh runs it)`).toBe(true);
  const file = scratch('containerd.toml');
  writeFileSync(file, renderContainerdConfig('coco-bundle.local/pause:3.10.1'));
  const dump = await runCommand([containerd, '--config', file, 'config', 'dump'], { nothrow: true, timeoutMs: 60_000 });
  expect(dump.exitCode, dump.stderr).toBe(0);
  expect(dump.stderr, 'containerd migrates a config older than its own version, and says so').not.toMatch(/migrated/i);
  const effective = await parseTomlWithTomllib(dump.stdout);
  expect(effective).toMatchObject({ version: 4, root: '/var/lib/coco-conformance/containerd', state: '/run/coco-conformance/containerd' });
  expect(effective.plugins['io.containerd.server.v1.grpc'].address).toBe('/run/coco-conformance/containerd/containerd.sock');
  expect(effective.plugins['io.containerd.server.v1.ttrpc'].address).toBe('/run/coco-conformance/containerd/containerd.sock.ttrpc');
  expect(effective.plugins['io.containerd.cri.v1.images'].pinned_images.sandbox).toBe('coco-bundle.local/pause:3.10.1');
  expect(effective.plugins['io.containerd.cri.v1.runtime'].containerd.runtimes.runc).toMatchObject({
    runtime_path: '/usr/local/libexec/coco-conformance/containerd-shim-runc-v2',
    options: { BinaryName: '/usr/local/libexec/coco-conformance/runc', Root: '/run/coco-conformance/runc', SystemdCgroup: false },
  });
});

test('a registry on this machine is reached over plain http (hosts.toml, read back by tomllib)', async () => {
  expect(await parseTomlWithTomllib(renderRegistryHosts('198.18.0.1:5000'))).toEqual({
    server: 'http://198.18.0.1:5000',
    host: { 'http://198.18.0.1:5000': { capabilities: ['pull', 'resolve'], skip_verify: true } },
  });
});

test('the pod network never masquerades and routes only to the node address: pods talk to nothing else', () => {
  const conf = JSON.parse(renderBridgeConflist()) as { plugins: Array<Record<string, any>> };
  expect(conf.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'coco0', ipMasq: false, isGateway: true });
  expect(conf.plugins[0]!.ipam.routes).toEqual([{ dst: '198.18.0.1/32' }]);
});

test('the cluster\'s iptables chains are listed per table, and nobody else\'s', () => {
  const saved = ['*filter', ':INPUT ACCEPT [0:0]', ':DOCKER-USER - [0:0]', ':KUBE-FIREWALL - [0:0]', 'COMMIT',
    '*nat', ':CNI-HOSTPORT-DNAT - [0:0]', ':MY-KUBE-THING - [0:0]', 'COMMIT'].join('\n');
  expect(clusterChains(saved)).toEqual(['filter KUBE-FIREWALL', 'nat CNI-HOSTPORT-DNAT']);
});

test('dry run of a bundle node: its own address before kubeadm init; teardown stops the kubelet first, the state file last', async () => {
  const { ctx, lines } = recordingContext();
  const provider = providerFor('kubeadm');
  const cluster = await provider.create({ distro: 'kubeadm', kubernetes: '1.35', source: 'bundle' }, ctx);
  expect(cluster.nodes[0]?.internalIp).toBe('198.18.0.1');
  const at = (line: string) => lines.findIndex((l) => l.startsWith(line));
  expect(at('ip link add coco-node0 type bridge')).toBeGreaterThan(-1);
  expect(at('ip addr add 198.18.0.1/32 dev coco-node0')).toBeGreaterThan(at('ip link add coco-node0 type bridge'));
  expect(at('kubeadm init')).toBeGreaterThan(at('ip link set coco-node0 up'));
  lines.length = 0;
  await provider.destroy(cluster, ctx);
  const order = ['/run/coco-conformance/kubelet.pid', 'crictl --runtime-endpoint', 'kubeadm reset', '/run/coco-conformance/containerd.pid', 'ip link delete coco0',
    'ip link delete coco-node0', 'iptables-save', 'rm -f /run/coco-conformance/local-cluster.json'];
  const positions = order.map((step) => lines.findIndex((l) => l.includes(step) || l.startsWith(step)));
  expect(positions.every((p) => p >= 0), `${order.filter((_, i) => positions[i]! < 0)} recorded`).toBe(true);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
});
