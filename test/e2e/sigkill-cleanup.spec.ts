import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadRelease, TEST_CATALOG } from '../../matrix/index.ts';
import { loadResultRecords } from '../../reporters/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { serveSelfBuiltImages } from '../../harness/platforms/control-platform-setup.ts';
import { ExistingProvider } from '../../harness/providers/existing/provider.ts';
import { plannedBundle } from '../../harness/providers/kubeadm/offline-bundle.ts';
import type { ProviderContext } from '../../harness/providers/index.ts';
import { serveKbsDouble } from '../support/serve-kbs-double.ts';
import { CLI, coco } from './coco-cli.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** A run killed with SIGKILL in the middle of the suites cannot tear anything down. The next run must find the
 *  local cluster it left by its markers, say so in one line, remove it and run. That run keeps its cluster
 *  (--keep-cluster), a cluster the harness did not create as far as the next steps know: the existing provider
 *  attaches to it, and the README's developer path runs the attestation suite against it with the KBS double
 *  serve-kbs-double starts. Then `cleanup` removes it, a second `cleanup` finds nothing, and nothing of the cluster
 *  is left on the machine — checked here with ps, ip and iptables-save, not with the harness's own finder. While
 *  the killed run's cluster is up, it also shows that the cluster lives on an address of its own. Runs after
 *  control-run.spec.ts (file order, one worker): one cluster at a time. */
const killedOut = join(SOURCE_ROOT, 'results', 'e2e-sigkill-killed');
const nextOut = join(SOURCE_ROOT, 'results', 'e2e-sigkill-next');
const developerOut = join(SOURCE_ROOT, 'results', 'e2e-developer-path');
const NODE_ADDRESS = '198.18.0.1';
const ADMIN_CONF = '/etc/kubernetes/admin.conf';
/** Bounds of one `run` of the control cell on the local cluster (cluster, one suite, teardown) and of one `cleanup`. */
const RUN_TIMEOUT_MS = 15 * 60_000;
const CLEANUP_TIMEOUT_MS = 10 * 60_000;
/** A finished test's line in run's output: `  passed           encrypted-image/no-key-fails  control  4.3 s`. */
const FINISHED_TEST = /^ {2}\S+ +[a-z-]+\/\S+ {2}control {2}/m;
/** The control platform's lines once its registries and KBS double listen (image, KBS URL, open and htpasswd registry). */
const PLATFORM_READY = /control: pushing (\S+) and \S+\n(?:.*\n)*?control: KBS double at (\S+), registries (\S+) \(open\) and (\S+) \(htpasswd\)/;

test.describe.configure({ mode: 'serial' });

let killedPid = 0;
let killed = false;
/** The cluster the next run kept: its kubeconfig, its state folder and the release it left installed. */
let kept: { kubeconfig: string; stateDir: string; release: string } | undefined;

/** What a test needs of the ones before it. In this serial file a test runs only once every test before it passed,
 *  so these hold on every whole run; a test run on its own (--grep) fails here, saying what it lacks. */
function killedRun(): number {
  expect(killedPid, 'the pid of the run the first test killed (run the file whole: its tests build on each other)').toBeGreaterThan(0);
  return killedPid;
}
function keptCluster(): NonNullable<typeof kept> {
  expect(kept, 'the cluster the second test kept (run the file whole: its tests build on each other)').toBeDefined();
  return kept!;
}

// Should the first test fail before its kill, the run it started would go on without a reader of its output:
// end it as this test ends it, and remove what it leaves, so the machine is clean for whatever comes next.
test.afterAll(() => {
  if (!killedPid || killed) return;
  try {
    process.kill(-killedPid, 'SIGKILL');
  } catch {
    return; // already gone, and it tore down
  }
  console.error(coco(['cleanup'], CLEANUP_TIMEOUT_MS).stdout);
});

test('a run killed with SIGKILL mid-suite leaves its local cluster running', async () => {
  test.setTimeout(20 * 60_000);
  rmSync(killedOut, { recursive: true, force: true });
  // Its own process group, so that the kill takes the harness and every child in that group at once.
  const child = spawn(process.execPath, [CLI, 'run', '--suite', 'encrypted-images', 'authenticated-registries', '--out', killedOut], {
    cwd: SOURCE_ROOT, env: { ...process.env, CI: 'true' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  killedPid = child.pid!;
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const waitFor = async (pattern: RegExp, what: string) => {
    const deadline = Date.now() + 15 * 60_000;
    while (!pattern.test(output) && exitCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(exitCode, `run ended before ${what}:\n${output.slice(-3000)}`).toBeUndefined();
    expect(output, what).toMatch(pattern);
  };
  await waitFor(PLATFORM_READY, 'the registries and the KBS double were up');

  // A pod reaches the registries and the KBS double on the node address (through the pod bridge to the host):
  // any HTTP answer proves the route; the suites themselves never send from a pod to the node on runc.
  const [, image, kbsUrl, openRegistry, authRegistry] = output.match(PLATFORM_READY)!;
  const reach = await podOutput(image!, [`wget -q -O - http://${openRegistry}/v2/`, `wget -S -O /dev/null http://${authRegistry}/v2/`,
    `wget -S -O /dev/null ${kbsUrl}/kbs/v0/resource/default/reach/probe`].map((c) => `${c} 2>&1; echo " <- exit $?"`).join('; '));
  const [open, auth, kbs] = reach.split(/ <- exit \d+\n?/);
  expect(open, 'the open registry answers /v2/ with {}').toBe('{}');
  expect(auth, 'the htpasswd registry asks for credentials').toMatch(/HTTP\/1\.1 401/);
  expect(kbs, 'the KBS double answers over HTTP').toMatch(/HTTP\/1\.1 \d{3}/);

  await waitFor(FINISHED_TEST, 'a test of the suites finished');
  // The cluster is up: it advertises, listens on and is certified for the node address the harness made.
  const internalIp = kubectl('get', 'nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}');
  expect(internalIp).toBe(NODE_ADDRESS);
  expect(new X509Certificate(readFileSync('/etc/kubernetes/pki/apiserver.crt')).subjectAltName).toContain(`IP Address:${NODE_ADDRESS}`);
  expect(addressesOf('coco-node0')).toEqual([`${NODE_ADDRESS}/32`]);
  expect(clusterListenersElsewhere(), 'cluster processes listening on an address other than the node address or loopback').toEqual([]);
  const state = JSON.parse(readFileSync('/run/coco-conformance/local-cluster.json', 'utf8')) as { owner: { pid: number } };
  expect(state.owner.pid, 'the state file names the run').toBe(killedPid);

  expect(output, 'the suites were still running when the kill came').not.toMatch(/\] suites [✓✗]/);
  process.kill(-killedPid, 'SIGKILL');
  killed = true;
  await exited;
  const left = leftovers();
  console.log(`left by the killed run (pid ${killedPid}):\n  ${left.join('\n  ')}`);
  // The point of the test: the kill left a cluster that only the next run can remove.
  expect(left.some((l) => l.startsWith('process kubelet'))).toBe(true);
  expect(left.some((l) => l.startsWith('process kube-apiserver'))).toBe(true);
  expect(left).toContain('interface coco0');
});

test('the next run finds the killed run\'s cluster, says so in one line, removes it, runs and keeps its own cluster', async () => {
  test.setTimeout(20 * 60_000);
  const pid = killedRun();
  rmSync(nextOut, { recursive: true, force: true });
  const next = coco(['run', '--suite', 'attestation', '--keep-cluster', '--out', nextOut], RUN_TIMEOUT_MS);
  const output = next.stdout + next.stderr;
  const said = output.split('\n').filter((line) => line.includes('found a local cluster'));
  expect(said).toEqual([`found a local cluster left by an earlier run (pid ${pid}); cleaning it up`]);
  if (next.status !== 0) console.error(output.split('\n').slice(-60).join('\n'));
  expect(next.status, 'the next run (0 = every outcome as the release claims)').toBe(0);
  const kubeconfig = output.match(/teardown skipped \(--keep-cluster\): kubeconfig (\S+)/)?.[1];
  const stateDir = output.match(/state folder kept with the cluster \(--keep-cluster\): (\S+)/)?.[1];
  const release = output.match(/^complete +(v\d+\.\d+\.\d+)\/control\//m)?.[1];
  expect(kubeconfig && existsSync(kubeconfig), `the kept cluster's kubeconfig is named and there:\n${output.slice(-2000)}`).toBeTruthy();
  expect(stateDir && kubeconfig!.startsWith(`${stateDir}/`), 'the kubeconfig lies in the kept state folder').toBeTruthy();
  expect(release, 'the cell line names the release left installed').toBeDefined();
  kept = { kubeconfig: kubeconfig!, stateDir: stateDir!, release: release! };
  expect(leftovers().some((l) => l.startsWith('process kube-apiserver')), 'the kept cluster is still up').toBe(true);
});

// Was a self-test that skipped wherever no cluster answered (every CI run); it needs this real API server.
test('the existing provider attaches to the kept cluster: reads its nodes and versions, owns nothing', async () => {
  const { kubeconfig } = keptCluster();
  const ctx: ProviderContext = { workDir: mkdtempSync(join(tmpdir(), 'coco-e2e-existing-')), dryRun: false, record: () => {}, log: () => {} };
  const provider = new ExistingProvider();
  const cluster = await provider.create({ distro: 'existing', kubeconfig }, ctx);
  expect(cluster.createdByHarness).toBe(false);
  expect(cluster.nodes.map((n) => n.internalIp)).toEqual([NODE_ADDRESS]);
  const info = await provider.info(cluster, ctx);
  // The versions of the offline bundle the cluster was built from (scripts/bundle/versions.env).
  const bundle = plannedBundle();
  expect(info.kubernetesVersion).toBe(bundle.kubernetes);
  expect(info.containerRuntimeVersion).toBe(`containerd://${bundle.containerd.replace(/^v/, '')}`);
  // destroy is not called: on a shared cluster it would delete the harness-labelled namespaces of a run in progress.
  rmSync(ctx.workDir, { recursive: true, force: true });
});

test('the README\'s developer path runs the attestation suite against the kept cluster, with the KBS double serve-kbs-double starts', async () => {
  test.setTimeout(15 * 60_000);
  const { kubeconfig, release } = keptCluster();
  rmSync(developerOut, { recursive: true, force: true });
  // The developer path needs pullable test images: upstream's registries are out of reach here, so it takes the
  // self-built set the control platform serves (COCO_IMAGES), in a private folder: it holds a registry password.
  const imagesDir = mkdtempSync(join(tmpdir(), 'coco-e2e-developer-images-'));
  const undo: Array<() => Promise<void> | void> = [];
  const kbs = await serveKbsDouble(release);
  let run;
  try {
    const { images } = await serveSelfBuiltImages(imagesDir, NODE_ADDRESS, undefined, undo, (line) => console.log(line));
    writeFileSync(join(imagesDir, 'images.json'), JSON.stringify(images));
    // README: `. /tmp/kbs-double.env; KUBECONFIG=<its kubeconfig> COCO_PLATFORM=control npx playwright test --grep @attestation`.
    run = await runCommand(['npx', 'playwright', 'test', '--grep', '@attestation'], {
      cwd: SOURCE_ROOT, nothrow: true, timeoutMs: 12 * 60_000,
      env: { ...kbs.env, KUBECONFIG: kubeconfig, COCO_PLATFORM: 'control', COCO_IMAGES: join(imagesDir, 'images.json'),
        COCO_NODE_SHELL: 'local', COCO_OUT_DIR: developerOut, COCO_SUITE_ENV: undefined, CI: 'true' },
    });
  } finally {
    for (const step of undo.reverse()) await step();
    expect(await kbs.stop(), 'serve-kbs-double ends cleanly on SIGTERM').toBe(0);
    rmSync(imagesDir, { recursive: true, force: true });
  }
  expect(run.exitCode, `npx playwright test --grep @attestation (0 = every outcome as the release claims):\n${run.stdout.slice(-4000)}\n${run.stderr.slice(-2000)}`).toBe(0);
  expect(run.stdout, 'a missing KBS would be named at once').not.toMatch(/KBS is not usable/);
  const records = loadResultRecords([developerOut]);
  expect(records.warnings).toEqual([]);
  expect(records.records).toHaveLength(1);
  const record = records.records[0]!;
  // A developer's run: no cell, filed under its COCO_PLATFORM; the record names the KBS double it used.
  expect(record.cell.platform).toBe('control');
  expect(record.release).toBe(release);
  expect(record.doubles).toEqual([kbs.env.COCO_KBS_DOUBLE]);
  // Every attestation test of the catalog ran as runc behaves under that release (written in control-run.spec.ts's
  // verdicts for the same tests): the resource never reaches a runc pod; the deny and delete cases pass.
  const attestation = TEST_CATALOG.filter((t) => t.feature === 'attestation').map((t) => t.id).sort();
  expect(record.tests.map((t) => t.id).sort()).toEqual(attestation);
  const byId = new Map(record.tests.map((t) => [t.id, t]));
  expect(byId.get('attestation/resource-released-allow-all')).toMatchObject({ outcome: 'expected-failure',
    failureSignature: { matched: true, failedStep: 'assert: the log holds the resource value' } });
  expect(byId.get('attestation/resource-withheld-deny-all')?.outcome).toBe('passed');
  expect(byId.get('attestation/gpu-attested')?.outcome).toBe('skipped');
  expect(byId.get('attestation/deleted-resource-gone')?.outcome).toBe(loadRelease(release).kbs.resourceDelete ? 'passed' : 'skipped');
});

test('cleanup removes the kept cluster and its state folder; run again, it has nothing to do; nothing of the local cluster is left', async () => {
  const { stateDir } = keptCluster();
  const cleanup = coco(['cleanup'], CLEANUP_TIMEOUT_MS);
  expect(cleanup.status, cleanup.stderr).toBe(0);
  expect(cleanup.stdout).toMatch(/^local cluster cleaned up( \(left by run pid \d+\))?: \d+ leftovers removed$/m);
  const again = coco(['cleanup'], CLEANUP_TIMEOUT_MS);
  expect(again.stdout.trim()).toBe('nothing to clean up: no local cluster of coco-conformance on this machine');
  expect(again.status).toBe(0);
  expect(leftovers()).toEqual([]);
  expect(existsSync('/run/coco-conformance/local-cluster.json')).toBe(false);
  expect(existsSync(stateDir), 'the kept state folder, with its kubeconfig and keys').toBe(false);
});

function kubectl(...args: string[]): string {
  return spawnSync('kubectl', ['--kubeconfig', ADMIN_CONF, ...args], { encoding: 'utf8' }).stdout.trim();
}

/** Runs a busybox pod with `script`, waits until it ends, returns its log. */
async function podOutput(image: string, script: string): Promise<string> {
  // The service account admission refuses pods until the controller manager made the namespace's account.
  await expect.poll(() => spawnSync('kubectl', ['--kubeconfig', ADMIN_CONF, 'get', 'serviceaccount', 'default'], { encoding: 'utf8' }).status,
    { timeout: 120_000 }).toBe(0);
  const manifest = JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'e2e-reach', namespace: 'default' },
        spec: { restartPolicy: 'Never', containers: [{ name: 'reach', image, args: ['-c', script] }] } },
    ],
  });
  const applied = spawnSync('kubectl', ['--kubeconfig', ADMIN_CONF, 'apply', '-f', '-'], { input: manifest, encoding: 'utf8' });
  expect(applied.status, applied.stderr).toBe(0);
  const waited = spawnSync('kubectl', ['--kubeconfig', ADMIN_CONF, 'wait', '--for=jsonpath={.status.phase}=Succeeded',
    'pod/e2e-reach', '--timeout=180s'], { encoding: 'utf8' });
  expect(waited.status, `${waited.stderr}\n${kubectl('describe', 'pod', 'e2e-reach')}`).toBe(0);
  return kubectl('logs', 'e2e-reach');
}

function addressesOf(device: string): string[] {
  const listing = spawnSync('ip', ['-o', '-4', 'addr', 'show', 'dev', device], { encoding: 'utf8' }).stdout;
  return [...listing.matchAll(/\binet\s+(\S+)/g)].map((m) => m[1]!);
}

/** Listening sockets of the cluster's processes on any address but the node address and loopback. */
function clusterListenersElsewhere(): string[] {
  const listeners = spawnSync('ss', ['-Hltnp'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const cluster = /"(kubelet|kube-apiserver|etcd|kube-controller|kube-scheduler|containerd|docker-registry)"/;
  return listeners.filter((line) => cluster.test(line))
    .filter((line) => !new RegExp(`\\s(${NODE_ADDRESS.replace(/\./g, '\\.')}|127\\.0\\.0\\.1|\\[::1\\]):\\d+\\s`).test(line));
}

/** What of the local cluster this machine still has, as ps, ip and iptables-save show it. Zombies are not
 *  counted: they have exited, and only their parent can take them off the process table. */
function leftovers(): string[] {
  const found: string[] = [];
  const ps = spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' }).stdout.split('\n');
  for (const line of ps) {
    const [pid, stat, ...args] = line.trim().split(/\s+/);
    if (!pid || !stat || stat.startsWith('Z')) continue;
    const command = args.join(' ');
    const comm = commOf(Number(pid));
    const ours = ['kubelet', 'etcd', 'kube-apiserver', 'kube-controller', 'kube-scheduler', 'containerd-shim'].includes(comm)
      || (comm === 'containerd' && command.includes('/etc/coco-conformance/'))
      || (comm === 'docker-registry' && (command.includes('/coco-conformance/') || command.includes(join(SOURCE_ROOT, 'results'))))
      || envOf(Number(pid)).some((entry) => entry === `COCO_CONFORMANCE_RUN=${killedPid}`);
    if (ours) found.push(`process ${comm} (pid ${pid}): ${command.slice(0, 120)}`);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
  for (const name of ['coco0', 'coco-node0']) if (new RegExp(`^\\d+: ${name}[:@]`, 'm').test(links)) found.push(`interface ${name}`);
  for (const line of links.split('\n').filter((l) => l.includes(' master coco0 '))) found.push(`interface ${line.split(':')[1]?.trim()} (port of coco0)`);
  const addresses = spawnSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8' }).stdout;
  if (addresses.includes(`inet ${NODE_ADDRESS}/`)) found.push(`address ${NODE_ADDRESS}`);
  for (const save of ['iptables-save', 'ip6tables-save']) {
    let table = '';
    for (const line of spawnSync(save, [], { encoding: 'utf8' }).stdout.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      if (/^:(KUBE|CNI)-/.test(line)) found.push(`${save.replace('-save', '')} ${table} chain ${line.slice(1).split(' ')[0]}`);
    }
  }
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')
    .filter((m) => /^\/(run|var\/lib)\/coco-conformance\/|^\/var\/lib\/kubelet\/|^\/run\/netns\/cni-/.test(m));
  for (const mount of mounts) found.push(`mount ${mount}`);
  return found;
}

/** The kernel's name of the process (what `ps -o comm` shows; it may hold spaces, so not parsed from ps). */
function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function envOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
