import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBundleCache } from '../../harness/doctor/bundle-cache.ts';
import { readClusterReach } from '../../harness/doctor/cluster-reach.ts';
import { readTeeSupport } from '../../harness/doctor/tee-support.ts';
import { readToolVersions } from '../../harness/doctor/tool-versions.ts';
import { ensureCachedGoTool, findCachedGoTool } from '../../lib/exec/cached-go-tool.ts';
import { bundleVersions } from '../support/bundle-versions.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

const scratchFolder = scratchDirectory('doctor');
/** A fresh folder on every call, removed with the file's scratch folder. */
const scratch = () => freshFolder(scratchFolder);

test('TEE support is read from sysfs: Y and 1 mean enabled, absent files say so', () => {
  const root = scratch();
  const put = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };
  put('sys/module/kvm_amd/parameters/sev_snp', 'Y\n');
  put('sys/module/kvm_amd/parameters/sev', 'N\n');
  put('sys/firmware/uv/prot_virt_host', '1\n');
  const support = Object.fromEntries(readTeeSupport(root).map((t) => [t.tee, [t.enabled, t.evidence]]));
  expect(support).toEqual({
    tdx: [false, 'absent (module not loaded or no support)'],
    'sev-snp': [true, 'Y'],
    sev: [false, 'N'],
    se: [true, '1'],
  });
});

test('tool versions: found tools report their version, others "missing"', async () => {
  const bin = scratch();
  writeFileSync(path.join(bin, 'kustomize'), '#!/bin/sh\necho "Error: boom" >&2; exit 3\n');
  chmodSync(path.join(bin, 'kustomize'), 0o755);
  const versions = Object.fromEntries((await readToolVersions({ PATH: `${bin}:/usr/bin:/bin`, COCO_CACHE_DIR: scratch() })).map((t) => [t.tool, t.version]));
  expect(versions.kustomize).toBe('present, but `kustomize version` failed: Error: boom');
  expect(versions.k3s).toBe('missing');
  expect(Object.keys(versions)).toEqual(['docker', 'kubectl', 'kind', 'k3s', 'kubeadm', 'kustomize', 'crictl', 'containerd']);
});

test('doctor reports the kind the kind provider runs: the cached build at the pinned version, never a kind on PATH', async () => {
  const pinned = bundleVersions().KIND_VERSION!.match(/^v(.+)$/)![1]!;
  const fakeKind = (dir: string, version: string) => {
    mkdirSync(dir, { recursive: true });
    // `kind version -q` is what build-kind.sh compares, `kind version` what doctor reads.
    writeFileSync(path.join(dir, 'kind'), `#!/bin/sh\nif [ "$2" = -q ]; then echo ${version}; else echo "kind v${version} go1.26.0 linux/amd64"; fi\n`);
    chmodSync(path.join(dir, 'kind'), 0o755);
  };
  const onPath = scratch();
  fakeKind(onPath, '0.23.0');
  const cache = scratch();
  const env = { PATH: `${onPath}:${process.env.PATH}`, COCO_CACHE_DIR: cache };
  const kindLine = async () => (await readToolVersions(env)).find((t) => t.tool === 'kind')!;
  const cached = path.join(cache, 'bin', 'kind');

  expect(await kindLine()).toEqual({ tool: 'kind', found: false,
    version: `not built: ${cached} is absent; a run builds it (bash scripts/setup/build-kind.sh)` });
  fakeKind(path.join(cache, 'bin'), '0.23.0');
  expect(await kindLine()).toEqual({ tool: 'kind', found: false,
    version: `not built: ${cached} is not kind ${pinned} (it reports: 0.23.0); a run builds it (bash scripts/setup/build-kind.sh)` });
  fakeKind(path.join(cache, 'bin'), pinned);
  expect(await kindLine()).toEqual({ tool: 'kind', found: true, version: `v${pinned} (${cached})` });
  // The provider's own lookup (ensureCachedGoTool, harness/providers/kind/kind-engine.ts) takes the same binary and
  // builds nothing.
  expect(await findCachedGoTool('kind', env)).toEqual({ found: true, path: cached });
  expect(await ensureCachedGoTool('kind', env)).toBe(cached);
});

test('the bundle cache follows COCO_CACHE_DIR and the pinned versions', () => {
  const cache = scratch();
  // The pinned versions, read here on their own from the file build.sh sources.
  const pinned = bundleVersions();
  const absent = readBundleCache({ COCO_CACHE_DIR: cache });
  expect(absent.present).toBe(false);
  expect(absent.expected).toBe(path.join(cache, 'bundle', `k8s-${pinned.KUBE_VERSION}-etcd-${pinned.ETCD_VERSION}`));
  expect(absent.runtime).toEqual({ dir: path.join(cache, 'bundle', `containerd-${pinned.CONTAINERD_VERSION}-runc-${pinned.RUNC_VERSION}`),
    present: false, binaries: [] });
  mkdirSync(path.join(absent.expected, 'bin'), { recursive: true });
  mkdirSync(path.join(absent.expected, 'images'), { recursive: true });
  writeFileSync(path.join(absent.expected, 'bin', 'kubeadm'), '');
  writeFileSync(path.join(absent.expected, 'images', 'pause.tar'), '');
  expect(readBundleCache({ COCO_CACHE_DIR: cache })).toMatchObject({ present: true, binaries: ['kubeadm'], images: 1 });
});

test('a cluster without kubeconfig says why it is not reachable', async () => {
  const home = scratch();
  expect(await readClusterReach({ HOME: home, PATH: process.env.PATH })).toEqual({
    reachable: false,
    detail: `no kubeconfig (default ${path.join(home, '.kube', 'config')} does not exist)`,
  });
});

test('doctor prints every section; exit 0 exactly when nothing a run needs is missing', () => {
  const result = spawnSync('node', ['bin/coco-conformance.mjs', 'doctor'], { cwd: SOURCE_ROOT, encoding: 'utf8' });
  for (const section of ['what a run needs', 'host TEE support', 'tools', 'offline bundle', 'cluster']) expect(result.stdout).toContain(`${section}\n`);
  expect(result.stdout).toMatch(/\n {2}tdx +(yes|no) +\/sys\/module\/kvm_intel\/parameters\/tdx: /);
  expect(result.stdout).toMatch(/\n {2}containerd +\S+/);
  expect(result.status).toBe(result.stdout.includes('\n  MISSING ') ? 1 : 0);
});

test('doctor on a bare PATH exits 1, each missing need with how to get it; --json says the same', () => {
  const cache = scratch();
  const env = { PATH: '/nonexistent', HOME: scratch(), COCO_CACHE_DIR: cache };
  const result = spawnSync(process.execPath, ['bin/coco-conformance.mjs', 'doctor'], { cwd: SOURCE_ROOT, encoding: 'utf8', env });
  expect(result.status, result.stderr).toBe(1);
  for (const need of ['skopeo ≥ 1.16', 'opa', 'go ≥ 1.26.0', 'helm', 'chromium', 'offline Kubernetes bundle']) {
    expect(result.stdout).toMatch(new RegExp(`\\n {2}MISSING +${need.replace(/[.+]/g, '\\$&')} +.*; get it: \\S`));
  }
  const json = spawnSync(process.execPath, ['bin/coco-conformance.mjs', 'doctor', '--json'], { cwd: SOURCE_ROOT, encoding: 'utf8', env });
  expect(json.status).toBe(1);
  const parsed = JSON.parse(json.stdout);
  expect(parsed).toMatchObject({ schemaVersion: 1, ok: false });
  expect(parsed.requirements.filter((r: { ok: boolean }) => !r.ok).map((r: { need: string }) => r.need)).toContain('go ≥ 1.26.0');
});

test('a skopeo older than 1.16 does not count, whatever else is there', async () => {
  const bin = scratch();
  writeFileSync(path.join(bin, 'skopeo'), '#!/bin/sh\necho "skopeo version 1.9.3"\n');
  chmodSync(path.join(bin, 'skopeo'), 0o755);
  const { checkRequirements } = await import('../../harness/doctor/requirements.ts');
  const [skopeo] = await checkRequirements({ PATH: `${bin}:/usr/bin:/bin`, COCO_CACHE_DIR: scratch() });
  expect(skopeo).toMatchObject({ need: 'skopeo ≥ 1.16', ok: false, found: `${path.join(bin, 'skopeo')} is 1.9.3, older than 1.16` });
  expect(skopeo!.fix).toContain('scripts/setup/build-skopeo.sh');
});

test('a hardware runner (its own cluster, Ubuntu 24.04) needs skopeo, go and helm only: no bundle, opa or chromium', async () => {
  const bin = scratch();
  const cache = scratch();
  // Stand-ins that print what the real tools print: skopeo and helm where the setup scripts cache them, go on PATH.
  const tools = [[path.join(cache, 'bin', 'skopeo'), 'skopeo version 1.19.0'], [path.join(bin, 'go'), 'go version go1.26.8 linux/amd64'],
    [path.join(cache, 'bin', 'helm'), 'v3.22.0+g3d8990f']] as const;
  mkdirSync(path.join(cache, 'bin'));
  for (const [file, version] of tools) {
    writeFileSync(file, `#!/bin/sh\necho "${version}"\n`);
    chmodSync(file, 0o755);
  }
  const { checkRequirements } = await import('../../harness/doctor/requirements.ts');
  const env = { PATH: `${bin}:/usr/bin:/bin`, COCO_CACHE_DIR: cache, HOME: scratch() };
  const runner = await checkRequirements(env, { hardwareRunner: true });
  expect(runner.map((r) => [r.need, r.ok])).toEqual([['skopeo ≥ 1.16', true], ['go ≥ 1.26.0', true], ['helm', true]]);
  // helm is found where build-helm.sh puts it, as the Helm install finds it (not only on PATH).
  expect(runner[2]!.found).toBe(`3.22.0 (${path.join(cache, 'bin', 'helm')})`);
  // The same machine, checked as the self-tests' machine, also needs opa, chromium and the offline bundle (absent
  // from this empty cache).
  const full = await checkRequirements(env);
  expect(full.map((r) => r.need)).toEqual(['skopeo ≥ 1.16', 'opa', 'go ≥ 1.26.0', 'helm', 'chromium', 'offline Kubernetes bundle']);
  expect(full.find((r) => r.need === 'offline Kubernetes bundle')?.ok).toBe(false);

  // Ubuntu 24.04's own Go (golang-go 2:1.22~2build1) cannot build what the setup builds: doctor says so.
  writeFileSync(path.join(bin, 'go'), '#!/bin/sh\necho "go version go1.22.2 linux/amd64"\n');
  const [, go] = await checkRequirements(env, { hardwareRunner: true });
  expect(go).toMatchObject({ need: 'go ≥ 1.26.0', ok: false, found: `${path.join(bin, 'go')} is 1.22.2, older than 1.26.0` });
});

test('doctor\'s Go minimum is the newest `go` line of the modules the setup scripts build, read from their own go.mod', () => {
  // The versions the scripts pin, and each module's go.mod as the Go module proxy serves it (the go command reads it).
  const pinned = (script: string, name: string) => readFileSync(path.join(SOURCE_ROOT, 'scripts/setup', script), 'utf8').match(new RegExp(`${name}=\\$\\{${name}:-(v[0-9.]+)\\}`))![1]!;
  const modules = [
    `helm.sh/helm/v3@${pinned('build-helm.sh', 'HELM_VERSION')}`,
    `github.com/containers/skopeo@${pinned('build-skopeo.sh', 'SKOPEO_VERSION')}`,
    `github.com/open-policy-agent/opa@${pinned('build-opa.sh', 'OPA_VERSION')}`,
    `github.com/rhysd/actionlint@${pinned('build-actionlint.sh', 'ACTIONLINT_VERSION')}`,
  ];
  const goLines = modules.map((module) => {
    const download = spawnSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    expect(download.status, download.stderr).toBe(0);
    const goMod = readFileSync(JSON.parse(download.stdout).GoMod, 'utf8');
    return goMod.match(/^go (\d+\.\d+(\.\d+)?)/m)![1]!;
  });
  const newest = goLines.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  return import('../../harness/doctor/requirements.ts').then(({ GO_MINIMUM }) => expect(GO_MINIMUM).toBe(newest));
});
