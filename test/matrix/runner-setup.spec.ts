import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

/** The setup of a hardware runner (scripts/setup/machine.sh --hardware-runner) on the runners' OS, Ubuntu 24.04
 *  LTS. No Ubuntu machine is here: the setup's decisions run on this machine with an Ubuntu 24.04 os-release
 *  (written here by hand, in the shape /etc/os-release has on 24.04.2), and what is "installed" is this machine's
 *  real dpkg record. What this does not prove: that apt-get on Ubuntu installs these names (see the README). */

const scratchFolder = scratchDirectory('runner-setup');
/** A fresh folder on every call, removed with the file's scratch folder. */
const scratch = () => freshFolder(scratchFolder);

const UBUNTU_24_04 = [
  'PRETTY_NAME="Ubuntu 24.04.2 LTS"', 'NAME="Ubuntu"', 'VERSION_ID="24.04"', 'VERSION="24.04.2 LTS (Noble Numbat)"',
  'VERSION_CODENAME=noble', 'ID=ubuntu', 'ID_LIKE=debian', 'HOME_URL="https://www.ubuntu.com/"', 'UBUNTU_CODENAME=noble', '',
].join('\n');

function osRelease(text: string): string {
  const file = path.join(scratch(), 'os-release');
  writeFileSync(file, text);
  return file;
}

function setup(args: string[], env: Record<string, string> = {}) {
  return spawnSync('bash', ['scripts/setup/machine.sh', ...args], { cwd: SOURCE_ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** The package names of a list, as the file has them (comments and blank lines left out). */
function listed(file: string): string[] {
  return readFileSync(path.join(SOURCE_ROOT, file), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

test('on Ubuntu 24.04 a hardware runner gets runner-packages.txt through apt, skopeo and helm: no containerd, registry, browser or bundle', () => {
  const result = setup(['--hardware-runner', '--print-plan'], { COCO_OS_RELEASE: osRelease(UBUNTU_24_04) });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  const plan = Object.fromEntries(result.stdout.split('\n').filter((l) => /^[a-z ]+: /.test(l)).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
  expect(plan.os).toBe('Ubuntu 24.04.2 LTS (ubuntu 24.04)');
  expect(result.stdout).not.toContain('warning');
  expect(plan['package list']).toBe('scripts/setup/runner-packages.txt');
  const packages = listed('scripts/setup/runner-packages.txt');
  expect(plan.packages!.split(' ')).toEqual(packages);
  for (const debianOnly of ['containerd', 'runc', 'containernetworking-plugins', 'docker-registry', 'chromium', 'skopeo']) {
    expect(packages).not.toContain(debianOnly);
  }
  // What is missing is what dpkg's own record says is not installed here.
  const installed = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${Status}\n', ...packages], { encoding: 'utf8' }).stdout
    .split('\n').filter((l) => l.endsWith(' install ok installed')).map((l) => l.split(' ')[0]);
  const missing = packages.filter((p) => !installed.includes(p));
  expect(plan['to install']).toBe(missing.length ? missing.join(' ') : 'nothing');
  expect(plan.builds).toBe('skopeo, helm');
});

test('the control runner\'s setup keeps its own list and builds; an OS outside the Debian family is one line, exit 2; another release a warning', () => {
  const control = setup(['--print-plan'], { COCO_OS_RELEASE: osRelease(UBUNTU_24_04) });
  expect(control.status, control.stderr).toBe(0);
  expect(control.stdout).toContain('package list: scripts/setup/apt-packages.txt\n');
  expect(control.stdout).toContain('builds: skopeo, opa, actionlint, helm, offline Kubernetes bundle, kind and its node image\n');

  const fedora = setup(['--hardware-runner', '--print-plan'], { COCO_OS_RELEASE: osRelease('NAME="Fedora Linux"\nVERSION_ID=40\nID=fedora\nPRETTY_NAME="Fedora Linux 40 (Server Edition)"\n') });
  expect(fedora.status).toBe(2);
  expect(fedora.stdout).toBe('');
  expect(fedora.stderr.trim().split('\n')).toHaveLength(1);
  expect(fedora.stderr).toMatch(/^setup: Fedora Linux 40 \(Server Edition\) \(ID=fedora in \S+\) is not a Debian-family system: this setup installs scripts\/setup\/runner-packages.txt with apt-get\n$/);

  const jammy = setup(['--hardware-runner', '--print-plan'], { COCO_OS_RELEASE: osRelease(UBUNTU_24_04.replace('VERSION_ID="24.04"', 'VERSION_ID="22.04"')) });
  expect(jammy.status, jammy.stderr).toBe(0);
  expect(jammy.stdout).toContain('warning: a hardware runner is set up on Ubuntu 24.04 or Debian 12; scripts/setup/runner-packages.txt names their packages');
});

test('a Go older than a module\'s go.mod asks for stops the build in one line, before any download: Ubuntu 24.04\'s go 1.22', () => {
  const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  expect(realGo, 'go on PATH (the setup scripts build with it)').not.toBe('');
  // A stand-in for Ubuntu 24.04's go (golang-go 2:1.22~2build1): the real go, except that it reports 1.22.2.
  const bin = scratch();
  writeFileSync(path.join(bin, 'go'), `#!/bin/sh\nif [ "$1 $2" = "env GOVERSION" ]; then echo go1.22.2; exit 0; fi\nexec ${realGo} "$@"\n`);
  chmodSync(path.join(bin, 'go'), 0o755);
  const result = spawnSync('bash', ['scripts/setup/build-helm.sh'], {
    cwd: SOURCE_ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, COCO_CACHE_DIR: scratch() },
  });
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  const errors = result.stderr.trim().split('\n').filter((l) => !l.startsWith('[build-helm'));
  // helm's own go.mod, as the module proxy serves it, says which Go it needs.
  const goMod = JSON.parse(spawnSync(realGo, ['mod', 'download', '-json', 'helm.sh/helm/v3@v3.22.0'], { encoding: 'utf8' }).stdout).GoMod;
  const needs = readFileSync(goMod, 'utf8').match(/^go (\S+)/m)![1];
  expect(errors).toEqual([`failed to build helm: helm.sh/helm/v3@v3.22.0 needs go >= ${needs} (its go.mod); the go on PATH (${path.join(bin, 'go')}) is 1.22.2: put a newer Go first on PATH`]);
});
