import { expect, test } from '@playwright/test';
import { load } from 'js-yaml';
import { withoutClusterChains } from '../../scripts/providers/kubeadm/iptables-rules.ts';
import { renderKubeadmConfig } from '../../scripts/providers/kubeadm/kubeadm-config.ts';
import { renderContainerdConfig } from '../../scripts/providers/kubeadm/containerd-config.ts';
import { renderBridgeConflist } from '../../scripts/providers/kubeadm/cni-config.ts';

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
    kubernetesVersion: 'v1.30.14', nodeName: 'vm', advertiseAddress: '192.0.2.2', criSocket: 'unix:///run/x.sock',
    imageRepository: 'coco-bundle.local', etcdImageTag: '3.5.15-0', cgroupDriver: 'cgroupfs',
    skipPhases: ['addon/coredns', 'addon/kube-proxy'],
  }).split('---\n').map((d) => load(d) as Record<string, any>);
  const [init, cluster, kubelet] = docs;
  expect(init?.kind).toBe('InitConfiguration');
  expect(init?.nodeRegistration).toMatchObject({ taints: [], imagePullPolicy: 'Never', criSocket: 'unix:///run/x.sock' });
  expect(init?.skipPhases).toEqual(['addon/coredns', 'addon/kube-proxy']);
  expect(cluster).toMatchObject({ kind: 'ClusterConfiguration', kubernetesVersion: 'v1.30.14', imageRepository: 'coco-bundle.local',
    etcd: { local: { imageRepository: 'coco-bundle.local', imageTag: '3.5.15-0' } } });
  expect(kubelet).toMatchObject({ kind: 'KubeletConfiguration', cgroupDriver: 'cgroupfs' });
});

test('containerd is our own (socket, root), cgroupfs, and clamps oom_score_adj for a sandbox without CAP_SYS_RESOURCE', () => {
  const toml = renderContainerdConfig('coco-bundle.local/pause:3.9');
  expect(toml).toContain('address = "/run/coco-conformance/containerd/containerd.sock"');
  expect(toml).toContain('root = "/var/lib/coco-conformance/containerd"');
  expect(toml).toContain('SystemdCgroup = false');
  expect(toml).toContain('restrict_oom_score_adj = true');
  expect(toml).toContain('sandbox_image = "coco-bundle.local/pause:3.9"');
});

test('the pod network never masquerades: pods talk only to this node', () => {
  const conf = JSON.parse(renderBridgeConflist()) as { plugins: Array<Record<string, unknown>> };
  expect(conf.plugins[0]).toMatchObject({ type: 'bridge', bridge: 'coco0', ipMasq: false });
});
