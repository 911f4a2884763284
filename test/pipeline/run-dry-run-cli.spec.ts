import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodedReleases, loadRelease } from '../../matrix/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { filesContaining } from './support/scripted-run-process.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('run-dry-run-cli');

const ROOT = resolve(import.meta.dirname, '../..');
const CELL = 'v0.9.0/snp/kind-1.30/containerd/nydus';

/** `run --dry-run` through the real CLI on a kind cell: nothing is provisioned (no kind binary is needed), and
 *  the command sequence is printed and written under <out>/dry-run/<cell id>/. */
async function dryRun(extra: string[] = []) {
  const out = scratch('out');
  const matrix = scratch('kind.yaml');
  writeFileSync(matrix, ['schemaVersion: 1', 'name: kind-dry', 'runners:', '  - name: r1', '    platform: snp', '    arch: x86_64', '    runs:',
    '      - releases: [v0.9.0]', '        cluster: { distro: kind, kubernetes: "1.30" }', '        containerRuntime: containerd',
    '        pullModes: [nydus]', ''].join('\n'));
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--matrix', matrix, '--dry-run', '--out', out, ...extra],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
  return { out, result, dir: join(out, 'dry-run', CELL) };
}

test('run --dry-run --verbose writes and prints the provider, install, KBS and teardown commands in order', async () => {
  const { result, dir } = await dryRun(['--verbose']);
  const script = readFileSync(join(dir, 'commands.sh'), 'utf8');
  // Remote kustomize targets are printed shell-quoted ('github.com/…?ref=v0.9.0'), as pasteable commands must be.
  const order = ['kind create cluster', 'label node coco-', "apply -k 'github.com/confidential-containers/operator/config/release?ref=v0.9.0'",
    // The ccruntime overlay through the harness's kustomization (hypervisor debug as the profile says), then the wait.
    '# wait (watch): controller pod cc-operator-controller-manager-*', '/ccruntime/kustomization.yaml', 'ccruntime\n# wait (watch): daemon pods',
    'git -C', 'apply -k', '# wait (watch): KBS pod kbs-* Running in coco-tenant', 'kind export logs', 'kind delete cluster'];
  let at = -1;
  for (const fragment of order) {
    const next = script.indexOf(fragment, at + 1);
    expect(next, `"${fragment}" after position ${at}`).toBeGreaterThan(at);
    at = next;
  }
  expect(result.stdout).toContain(script.trim().split('\n').find((l) => l.startsWith('kind create cluster')));
  expect(existsSync(join(dir, 'files', '01-provision-kind-config.yaml'))).toBe(true);
  expect(script).not.toContain('PRIVATE KEY');
  expect(result.stdout).toContain(`[cell ${CELL}] provision ✓`);
});

test('run --dry-run also writes the suites\' manifests and KBS calls (runDryRun) and succeeds; without --verbose a line per cell', async () => {
  const { result, dir } = await dryRun();
  expect(result.stdout + result.stderr).toContain(`dry-run     ${CELL}`);
  expect(result.stdout).not.toContain('kind create cluster');
  expect(result.exitCode).toBe(0);
  // The tree is <out>/dry-run/<cell>/suites/<feature>/<case>/…, one suites level.
  expect(existsSync(join(dir, 'suites', 'summary.json'))).toBe(true);
  expect(existsSync(join(dir, 'suites', 'attestation', 'resource-released-allow-all', 'manifests.yaml'))).toBe(true);
  expect(existsSync(join(dir, 'suites', 'suites'))).toBe(false);
});

test('--kubeconfig moves the cell to the existing cluster: nothing is created or destroyed', async () => {
  const kubeconfig = scratch('kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters:\n- name: dev\n  cluster: { server: "https://127.0.0.1:6443" }\n' +
    'contexts:\n- name: dev\n  context: { cluster: dev, user: dev }\nusers:\n- name: dev\n  user: {}\n');
  const { result, out } = await dryRun(['--kubeconfig', kubeconfig]);
  const script = readFileSync(join(out, 'dry-run', 'v0.9.0/snp/existing/containerd/nydus', 'commands.sh'), 'utf8');
  expect(script).toContain(`kubectl --kubeconfig ${kubeconfig} get nodes -o json`);
  expect(script).not.toMatch(/kind (create|delete)/);
  expect(script).toContain('delete namespace -l app.kubernetes.io/managed-by=coco-conformance');
  // Someone else's cluster: the KBS and the release the harness put there are removed once the suites are done, in
  // reverse order (the uninstall step), and the harness's namespaces at teardown.
  const kbsDelete = script.indexOf('delete -k /');
  const ccRuntimeDelete = script.indexOf("delete -k 'github.com/confidential-containers/operator/config/samples/ccruntime/default");
  const operatorDelete = script.indexOf("delete -k 'github.com/confidential-containers/operator/config/release");
  const namespacesDelete = script.indexOf('delete namespace -l');
  expect(kbsDelete).toBeGreaterThan(0);
  expect([kbsDelete, ccRuntimeDelete, operatorDelete, namespacesDelete]).toEqual([...[kbsDelete, ccRuntimeDelete, operatorDelete, namespacesDelete]].sort((x, y) => x - y));
  expect(result.stdout).toContain('[cell v0.9.0/snp/existing/containerd/nydus]');
});

test('run --dry-run --matrix matrix/nightly.yaml exits 0: every runner on the newest release and its baseline; each control cell brings the double of its trustee', async () => {
  const out = scratch('out');
  const stateRoot = scratch('state');
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--dry-run', '--matrix', 'matrix/nightly.yaml', '--out', out],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}`, COCO_STATE_DIR: stateRoot } });
  const output = result.stdout + result.stderr;
  expect(result.exitCode, output).toBe(0);
  const [latest, previous] = encodedReleases().slice(-2).reverse() as [string, string];
  for (const release of [latest, previous]) {
    for (const cell of ['tdx/existing/containerd/nydus', 'snp/existing/containerd/nydus', 'se/existing/containerd/nydus',
      'coco-dev/kubeadm-1.34/containerd/nydus', 'coco-dev/kubeadm-1.34/containerd/forced', 'nvidia-gpu-snp/existing/containerd/nydus',
      'nvidia-gpu-tdx/existing/containerd/nydus', 'control/kubeadm-1.35/containerd/host']) {
      expect(result.stdout).toContain(`dry-run     ${release}/${cell}`);
    }
    // A TEE runner keeps its cluster: the release and the KBS are installed and removed around the suites, and the
    // cluster is neither created nor destroyed.
    const tdx = readFileSync(join(out, 'dry-run', `${release}/tdx/existing/containerd/nydus`, 'commands.sh'), 'utf8');
    expect(tdx).toMatch(/^\S*helm --kubeconfig \S+ install coco /m);
    expect(tdx).toMatch(/^\S*helm --kubeconfig \S+ uninstall coco /m);
    expect(tdx).not.toMatch(/kubeadm (init|reset)|kube-flannel|ip link delete/);
    // The control cell shows what its platform setup would start: both registries, the KBS double of this release's
    // trustee (its generation read from the profile), the runtime class.
    const control = readFileSync(join(out, 'dry-run', `${release}/control/kubeadm-1.35/containerd/host`, 'commands.sh'), 'utf8');
    const setup = control.slice(control.indexOf('# --- platform-setup ---'), control.indexOf('# --- collect ---'));
    expect(setup.match(/^docker-registry serve /gm), setup).toHaveLength(2);
    const kbs = loadRelease(release).kbs;
    expect(setup).toContain(`# KBS: test double of trustee ${kbs.ref}'s admin API (lib/kbs/kbs-double.ts), generation: api-server, [admin] personas, jsonwebtoken`);
    expect(setup.includes('resource DELETE'), `${release}: kbs.resourceDelete ${kbs.resourceDelete}`).toBe(kbs.resourceDelete);
    expect(setup).toContain('# pods run with RuntimeClass control (handler runc, no TEE)');
    const controlSummary = JSON.parse(readFileSync(join(out, 'dry-run', `${release}/control/kubeadm-1.35/containerd/host`, 'suites', 'summary.json'), 'utf8'));
    expect(controlSummary.kbsUrl).toBe('http://198.18.0.1:<kbs-double-port>');
  }
  expect(readdirSync(stateRoot), 'the state folders of the dry run are gone').toEqual([]);
  expect(filesContaining(out, 'PRIVATE KEY')).toEqual([]);
});

test('run --dry-run of a cell whose release does not ship the platform: skipped at plan with the profile note', async () => {
  const out = scratch('out');
  const stateRoot = scratch('state');
  const cell = 'v0.9.0/coco-dev/kind-1.30/containerd/nydus';
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--dry-run', '--matrix', 'matrix/all-releases.yaml',
    '--cell', cell, '--out', out], { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}`, COCO_STATE_DIR: stateRoot } });
  const output = result.stdout + result.stderr;
  expect(result.exitCode, output).toBe(0);
  const note = loadRelease('v0.9.0').platforms['coco-dev']!.note!;
  expect(result.stdout).toContain(`[cell ${cell}] skipped: ${note}`);
  expect(result.stdout).toContain(`skipped     ${cell} (${note})`);
  // Skipped at plan: never provisioned or installed, so nothing was written for it.
  expect(output).not.toContain(`[cell ${cell}] provision`);
  expect(output).not.toContain(`[cell ${cell}] install`);
  expect(existsSync(join(out, 'dry-run', cell))).toBe(false);
  expect(readdirSync(stateRoot), 'the state folders of the dry run are gone').toEqual([]);
});
