import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import { clusterChains, withoutClusterChains } from '../../scripts/providers/kubeadm/iptables-rules.ts';
import { renderKubeadmConfig } from '../../scripts/providers/kubeadm/kubeadm-config.ts';
import { renderContainerdConfig } from '../../scripts/providers/kubeadm/containerd-config.ts';
import { renderBridgeConflist } from '../../scripts/providers/kubeadm/cni-config.ts';
import { providerFor } from '../../scripts/providers/index.ts';
import { recordingContext } from './support/recording-context.ts';

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

test('the kubeadm config points kubeadm at the bundle images and never pulls', () => {
  const docs = renderKubeadmConfig({
    kubernetesVersion: 'v1.30.14', nodeName: 'vm', advertiseAddress: '198.18.0.1', criSocket: 'unix:///run/x.sock',
    imageRepository: 'coco-bundle.local', etcdImageTag: '3.5.15-0', cgroupDriver: 'cgroupfs',
    skipPhases: ['addon/coredns', 'addon/kube-proxy'],
  }).split('---\n').map((d) => parse(d) as Record<string, any>);
  const [init, cluster, kubelet] = docs;
  expect(init?.kind).toBe('InitConfiguration');
  expect(init?.nodeRegistration).toMatchObject({ taints: [], imagePullPolicy: 'Never', criSocket: 'unix:///run/x.sock' });
  expect(init?.skipPhases).toEqual(['addon/coredns', 'addon/kube-proxy']);
  expect(cluster).toMatchObject({ kind: 'ClusterConfiguration', kubernetesVersion: 'v1.30.14', imageRepository: 'coco-bundle.local',
    etcd: { local: { imageRepository: 'coco-bundle.local', imageTag: '3.5.15-0' } } });
  expect(kubelet).toMatchObject({ kind: 'KubeletConfiguration', cgroupDriver: 'cgroupfs' });
});

test('the node is advertised, listens and is certified on the node address only', () => {
  const [init, cluster, kubelet] = renderKubeadmConfig({
    kubernetesVersion: 'v1.30.14', nodeName: 'vm', advertiseAddress: '198.18.0.1', criSocket: 'unix:///run/x.sock',
    cgroupDriver: 'cgroupfs', skipPhases: [],
  }).split('---\n').map((d) => parse(d) as Record<string, any>);
  expect(init?.localAPIEndpoint).toEqual({ advertiseAddress: '198.18.0.1', bindPort: 6443 });
  expect(init?.nodeRegistration.kubeletExtraArgs).toEqual({ 'node-ip': '198.18.0.1' });
  expect(cluster?.apiServer).toEqual({ certSANs: ['198.18.0.1'], extraArgs: { 'bind-address': '198.18.0.1' } });
  expect(kubelet?.address).toBe('198.18.0.1');
});

test('containerd is our own (socket, root), cgroupfs, and clamps oom_score_adj for a sandbox without CAP_SYS_RESOURCE', () => {
  const toml = renderContainerdConfig('coco-bundle.local/pause:3.9');
  expect(toml).toContain('address = "/run/coco-conformance/containerd/containerd.sock"');
  expect(toml).toContain('root = "/var/lib/coco-conformance/containerd"');
  expect(toml).toContain('SystemdCgroup = false');
  expect(toml).toContain('restrict_oom_score_adj = true');
  expect(toml).toContain('sandbox_image = "coco-bundle.local/pause:3.9"');
  expect(toml).toContain('Root = "/run/coco-conformance/runc"');
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
  const cluster = await provider.create({ distro: 'kubeadm', kubernetes: '1.30', source: 'bundle' }, ctx);
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
