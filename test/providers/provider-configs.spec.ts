import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import { kindClusterConfig, kindNodeImage } from '../../harness/providers/kind/cluster-config.ts';
import { k3sContainerdTemplate, k3sVersion } from '../../harness/providers/k3s/containerd-template.ts';
import { parseNodeList } from '../../harness/providers/shared/node-list.ts';

test('kind config: one node, containerd keeps unpacked layers and knows the nydus snapshotter', () => {
  const config = parse(kindClusterConfig('coco-x')) as { name: string; nodes: unknown[]; containerdConfigPatches: string[] };
  expect(config.name).toBe('coco-x');
  expect(config.nodes).toEqual([{ role: 'control-plane' }]);
  const patch = config.containerdConfigPatches[0]!;
  expect(patch).toContain('discard_unpacked_layers = false');
  expect(patch).toContain('[proxy_plugins.nydus]');
  expect(patch).toContain('address = "/run/containerd-nydus/containerd-nydus-grpc.sock"');
});

test('kind node image: pinned per minor, full versions as given, unknown minor is an error', () => {
  expect(kindNodeImage('1.30')).toBe('kindest/node:v1.30.4');
  expect(kindNodeImage('v1.29.2')).toBe('kindest/node:v1.29.2');
  expect(kindNodeImage(undefined)).toBeUndefined();
  expect(() => kindNodeImage('1.12')).toThrow('failed to pick a kind node image: Kubernetes 1.12 is not one of');
});

test('k3s containerd template: k3s\'s generated config with the guest-pull settings edited in', () => {
  const generated = [
    '[plugins."io.containerd.grpc.v1.cri".containerd]',
    '  snapshotter = "overlayfs"',
    '  disable_snapshot_annotations = true',
    '',
  ].join('\n');
  const template = k3sContainerdTemplate(generated);
  expect(template).toContain('[plugins."io.containerd.grpc.v1.cri".containerd]\n  discard_unpacked_layers = false\n  snapshotter = "overlayfs"');
  expect(template).toContain('disable_snapshot_annotations = false');
  expect(template).not.toContain('disable_snapshot_annotations = true');
  expect(template.match(/\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\]/g)).toHaveLength(1);
  expect(template).toContain('[proxy_plugins.nydus]');
  expect(k3sContainerdTemplate(template)).toBe(template); // idempotent: a restart does not stack edits
});

test('k3s version: pinned per minor', () => {
  expect(k3sVersion('1.30')).toBe('v1.30.5+k3s1');
  expect(k3sVersion('1.29.3+k3s1')).toBe('v1.29.3+k3s1');
  expect(() => k3sVersion('1.2')).toThrow('failed to pick a k3s version');
});

test('node list: name, InternalIP and labels from kubectl get nodes -o json', () => {
  const json = JSON.stringify({ items: [{ metadata: { name: 'n1', labels: { a: 'b' } },
    status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.1.2.3' }] } }] });
  expect(parseNodeList(json)).toEqual([{ name: 'n1', internalIp: '10.1.2.3', labels: { a: 'b' } }]);
});
