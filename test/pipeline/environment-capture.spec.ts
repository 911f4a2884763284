import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { captureEnvironment } from '../../harness/environment/capture-environment.ts';
import { cpuModel, prettyName } from '../../harness/environment/host-facts.ts';
import { captureToolVersions } from '../../harness/environment/tool-versions.ts';

/** The expected facts are read here from the kernel's own files and from `uname`, with this test's own line
 *  splitting, never with the parsers under test. */
function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** `KEY: value` (cpuinfo) or `KEY=value` (os-release) of the first line starting with `key`. */
function firstValue(text: string, key: string, separator: ':' | '='): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(key) && l.slice(key.length).trimStart().startsWith(separator));
  if (!line) return undefined;
  return line.slice(line.indexOf(separator) + 1).trim();
}

const TEE_HOST_PARAMETERS = {
  tdx: '/sys/module/kvm_intel/parameters/tdx',
  sev_snp: '/sys/module/kvm_amd/parameters/sev_snp',
  sev: '/sys/module/kvm_amd/parameters/sev',
  sev_es: '/sys/module/kvm_amd/parameters/sev_es',
  prot_virt_host: '/sys/firmware/uv/prot_virt_host',
};

test('host facts of this machine: kernel, OS, CPU model, arch, hostname; TEE parameters only where the file exists', async () => {
  const facts = await captureEnvironment({ distro: 'kubeadm v1.30.14' });
  expect(facts.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
  expect(facts.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
  expect(facts.arch).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
  expect(facts.hostname).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());

  const pretty = firstValue(readFileSync('/etc/os-release', 'utf8'), 'PRETTY_NAME', '=');
  expect(pretty, '/etc/os-release has a PRETTY_NAME line').toBeTruthy();
  expect(facts.os).toBe(pretty!.replace(/^"(.*)"$/, '$1'));

  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  // x86 and arm name the model on a "model name" line; s390x only has "machine = …" on its processor lines.
  const model = firstValue(cpuinfo, 'model name', ':')
    ?? cpuinfo.split('\n').find((l) => l.startsWith('processor ') && l.includes('machine ='))?.split('machine =')[1]?.trim().split(/[\s,]/)[0];
  expect(model, '/proc/cpuinfo names the CPU model').toBeTruthy();
  expect(facts.cpuModel).toBe(model);

  expect(facts.kubernetesDistro).toBe('kubeadm v1.30.14');
  const present = Object.fromEntries(Object.entries(TEE_HOST_PARAMETERS)
    .map(([name, path]) => [name, readTrimmed(path)] as const)
    .filter(([, value]) => value !== undefined));
  expect(facts.teeHostSupport).toEqual(present);
});

test('an unreachable cluster leaves its facts out and says why, never failing the run', async () => {
  const facts = await captureEnvironment({ cluster: { kubeconfig: '/nonexistent/kubeconfig', componentNamespaces: [] } });
  expect(facts.kubernetesServer).toBeUndefined();
  expect(facts.captureErrors).toEqual([expect.stringMatching(/^cluster: /)]);
  expect(facts.kernel).toBe(readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
});

test('kubectl and its kustomize: the versions kubectl prints in its own text form', async () => {
  // The text form ("Client Version: v1.30.14", "Kustomize Version: v5.0.4-…"), while the harness reads the JSON one.
  const text = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const facts = await captureToolVersions();
  expect(facts.kubectl).toBe(firstValue(text, 'Client Version', ':'));
  expect(facts.kustomize).toBe(firstValue(text, 'Kustomize Version', ':'));
  expect(facts.kubectl).toMatch(/^v1\.\d+\.\d+/);
});

test('parsers: PRETTY_NAME and CPU model from fixed texts', () => {
  expect(prettyName('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
  expect(prettyName('ID=alpine\nPRETTY_NAME=Alpine Linux v3.20\n')).toBe('Alpine Linux v3.20');
  expect(prettyName('NAME="Debian GNU/Linux"\n')).toBeUndefined();
  expect(cpuModel('processor\t: 0\nmodel name\t: AMD EPYC 9654 96-Core Processor\n')).toBe('AMD EPYC 9654 96-Core Processor');
  expect(cpuModel('processor 0: version = FF,  identification = 0123, machine = 3931\n')).toBe('3931');
  expect(cpuModel('processor\t: 0\nflags\t: fpu\n')).toBeUndefined();
});
