import { expect, test } from '@playwright/test';
import { compareReleases } from '../../matrix/index.ts';
import { kubeadmApi } from '../../harness/providers/kubeadm/kubeadm-config.ts';

test('release tags and component versions order by their numbers, a pre-release before its release', () => {
  const shuffled = ['v0.10.1', 'v0.9.0', 'v0.10.0', 'v0.10.0-rc.10', 'v0.10.0-rc.2', 'v0.21.0'];
  expect([...shuffled].sort(compareReleases)).toEqual(['v0.9.0', 'v0.10.0-rc.2', 'v0.10.0-rc.10', 'v0.10.0', 'v0.10.1', 'v0.21.0']);
  expect(compareReleases('3.19', '3.19.0')).toBe(0);
  expect(compareReleases('1.9.3', '1.16')).toBeLessThan(0);
  expect(compareReleases('v1.30.4+k3s1', '1.30.4')).toBe(0);
  expect(() => compareReleases('latest', 'v0.9.0')).toThrow('failed to order versions: "latest" is not a version');
});

test('kubeadm\'s config API follows the Kubernetes version: v1beta4 from v1.31, v1beta3 before', () => {
  expect(kubeadmApi('v1.30.14')).toBe('v1beta3');
  expect(kubeadmApi('v1.9.0')).toBe('v1beta3');
  expect(kubeadmApi('1.31.0')).toBe('v1beta4');
  expect(kubeadmApi('v1.35.4')).toBe('v1beta4');
  expect(() => kubeadmApi('2.0')).toThrow('expected v1.<minor>.<patch>');
});
