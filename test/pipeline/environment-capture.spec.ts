import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { captureEnvironment } from '../../scripts/environment/capture-environment.ts';
import { cpuModel, prettyName } from '../../scripts/environment/host-facts.ts';
import { captureToolVersions } from '../../scripts/environment/tool-versions.ts';

test('host facts of this machine: kernel, OS, CPU model, arch; TEE files only when readable', async () => {
  const facts = await captureEnvironment({ distro: 'kubeadm v1.30.14' });
  expect(facts.kernel).toBe(release());
  expect(facts.os).toBe(prettyName(readFileSync('/etc/os-release', 'utf8')));
  expect(facts.os).toBeTruthy();
  expect(facts.cpuModel).toBe(cpuModel(readFileSync('/proc/cpuinfo', 'utf8')));
  expect(facts.arch).toMatch(/^(x86_64|s390x|aarch64)$/);
  expect(facts.kubernetesDistro).toBe('kubeadm v1.30.14');
  // Every reported TEE value came from a file that exists; a host without KVM reports none rather than guessing.
  for (const value of Object.values(facts.teeHostSupport ?? {})) expect(value).toMatch(/^(Y|N|0|1|y|n)$/);
});

test('an unreachable cluster leaves its facts out and says why, never failing the run', async () => {
  const facts = await captureEnvironment({ cluster: { kubeconfig: '/nonexistent/kubeconfig', componentNamespaces: [] } });
  expect(facts.kubernetesServer).toBeUndefined();
  expect(facts.captureErrors).toEqual([expect.stringMatching(/^cluster: /)]);
  expect(facts.kernel).toBe(release());
});

test('kustomize version from kubectl version --client -o json', async () => {
  const facts = await captureToolVersions();
  expect(facts.kustomize).toMatch(/^v\d+\.\d+\.\d+/);
  expect(facts.kubectl).toMatch(/^v1\./);
});

test('parsers: PRETTY_NAME and CPU model', () => {
  expect(prettyName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
  expect(cpuModel('processor\t: 0\nmodel name\t: AMD EPYC 9654 96-Core Processor\n')).toBe('AMD EPYC 9654 96-Core Processor');
  expect(cpuModel('processor 0: version = FF,  identification = 0123, machine = 3931\n')).toBe('3931');
});
