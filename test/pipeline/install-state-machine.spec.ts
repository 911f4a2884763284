import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadRelease, type OperatorInstall } from '../../matrix/index.ts';
import { installRelease, uninstallRelease, verifyUninstalled } from '../../harness/install/release-installer.ts';
import { helmCommand } from '../../harness/install/helm-install.ts';
import { ScriptedCluster, type ClusterScript } from './support/scripted-cluster.ts';
import { scriptedInstallContext } from './support/scripted-install-context.ts';

// The cluster scripts in fixtures/ are written by hand: object shapes as the API returns them, timings invented.
const profile = loadRelease('v0.9.0');
const recipe = profile.install as OperatorInstall;
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const script = (name: string): ClusterScript => JSON.parse(readFileSync(fixture(name), 'utf8')) as ClusterScript;
const target = { platform: 'snp' as const, arch: 'x86_64' as const, workerNode: 'coco-worker-0' };
const OPERATOR = 'config/release?ref=v0.9.0';
const OVERLAY = 'ccruntime/default?ref=v0.9.0';
const { intervalSeconds, unchangedPolls, maxPolls } = recipe.readiness.stabilisation;
const INTERVAL_MS = intervalSeconds * 1000;

/** Which scripted phase a command starts. */
function phaseOf(line: string): string | undefined {
  if (line.includes(' apply -k ') && line.endsWith(OPERATOR)) return 'apply-operator';
  if (line.includes(' apply -k ') && line.endsWith(`${tmpdir()}/ccruntime`)) return 'apply-ccruntime';
  if (line.includes(' delete -k ') && line.includes(OVERLAY)) return 'delete-ccruntime';
  if (line.includes(' delete -k ') && line.includes(OPERATOR)) return 'delete-operator';
  if (line.includes(' apply -f ') && line.endsWith('runtimeclass-control.yaml')) return 'apply-control';
  if (line.includes(' delete runtimeclass control')) return 'delete-control';
  return undefined;
}

/** The install daemon, Running with `restarts` restarts, `at` seconds into the overlay phase. */
function installDaemonRestarted(base: ClusterScript, at: number, restarts: number): ClusterScript['phases'][string][number] {
  const running = base.phases['apply-ccruntime']!.find((e) => e.object.metadata.name.startsWith('cc-operator-daemon-install') && e.object.status?.phase === 'Running')!;
  const object = structuredClone(running.object);
  object.status!.containerStatuses![0]!.restartCount = restarts;
  return { at, type: 'MODIFIED', kind: 'Pod', object };
}

/** The phase's last Node event: the one that puts the install-done label on the worker. */
function lastNodeEvent(events: ClusterScript['phases'][string]): ClusterScript['phases'][string][number] {
  return [...events].reverse().find((e) => e.kind === 'Node')!;
}

/** The happy script with the enclave-cc overlay's results: its one runtime class, and its install-done label on the
 *  node instead of kata's. */
function enclaveCcScript(): ClusterScript {
  const base = script('operator-v0.9.0-happy.json');
  const events = base.phases['apply-ccruntime']!.filter((e) => e.kind !== 'RuntimeClass');
  const labels = lastNodeEvent(events).object.metadata.labels!;
  delete labels['katacontainers.io/kata-runtime'];
  labels['confidentialcontainers.org/enclave-cc'] = 'true';
  events.push({ at: 95, type: 'ADDED', kind: 'RuntimeClass', object: { metadata: { name: 'enclave-cc' }, handler: 'enclave-cc' } });
  return { ...base, description: 'as happy, with the enclave-cc overlay: runtime class enclave-cc, node label confidentialcontainers.org/enclave-cc', phases: { ...base.phases, 'apply-ccruntime': events } };
}

test.describe('operator install against hand-written API responses', () => {
  test('happy path: upstream order, every readiness stage, upstream stabilisation, component images', async () => {
    const cluster = ScriptedCluster.load(fixture('operator-v0.9.0-happy.json'));
    const { ctx, commands, files } = scriptedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, target);

    expect(commands.map((c) => c.line.replace(/^kubectl --kubeconfig \/scripted\/kubeconfig /, ''))).toEqual([
      'label node coco-worker-0 node.kubernetes.io/worker= --overwrite',
      'apply -k github.com/confidential-containers/operator/config/release?ref=v0.9.0',
      `apply -k ${tmpdir()}/ccruntime`,
    ]);
    // The harness's kustomization over the release's overlay, with hypervisor debug as the profile says.
    const kustomization = parse(files.get(`${tmpdir()}/ccruntime/kustomization.yaml`)!) as { resources: string[]; patches: Array<{ patch: string }> };
    expect(kustomization.resources).toEqual(['github.com/confidential-containers/operator/config/samples/ccruntime/default?ref=v0.9.0']);
    expect(parse(kustomization.patches[0]!.patch)).toEqual([{ op: 'add', path: '/spec/config/debug', value: true }]);
    // The overlay is applied only once the controller runs (15 s into the operator phase), not before.
    expect(commands[2]!.atMs).toBe(15_000);
    // Ready = node labels at 97 s after the overlay, then operator.sh's 4 unchanged looks 21 s apart.
    expect([unchangedPolls, intervalSeconds, maxPolls]).toEqual([4, 21, 21]);
    expect(cluster.now()).toBe(15_000 + 97_000 + unchangedPolls * INTERVAL_MS);
    expect(installed).toMatchObject({ method: 'operator', overlay: 'default', namespace: 'confidential-containers-system' });
    expect(installed.runtimeClasses).toContain('kata-qemu-snp');
    expect(installed.componentImages['confidential-containers-system/manager']).toBe('quay.io/confidential-containers/operator:v0.9.0');
  });

  test('a restart during stabilisation spoils one look: ready one interval later', async () => {
    const cluster = ScriptedCluster.load(fixture('operator-v0.9.0-daemon-restart.json'));
    const { ctx } = scriptedInstallContext(cluster, phaseOf);
    await installRelease(ctx, profile, target);
    // The restart at 110 s falls before the first look (118 s); the four unchanged looks follow it, as upstream
    // counts them (wait_for_stabilization does not fail on a restart, it waits for enough quiet looks).
    expect(cluster.now()).toBe(15_000 + 97_000 + (unchangedPolls + 1) * INTERVAL_MS);
  });

  test('a daemon that keeps restarting is not ready after the last look, naming the last restart', async () => {
    const base = script('operator-v0.9.0-happy.json');
    // A restart in every interval: 3 s after each look, from before the first one.
    const restarts = Array.from({ length: maxPolls + 3 }, (_, i) => installDaemonRestarted(base, 100 + i * intervalSeconds, i + 1));
    const cluster = new ScriptedCluster({ ...base, phases: { ...base.phases, 'apply-ccruntime': [...base.phases['apply-ccruntime']!, ...restarts] } });
    const { ctx } = scriptedInstallContext(cluster, phaseOf);
    const error = await installRelease(ctx, profile, target).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(
      'failed to install release v0\\.9\\.0 for snp: failed to wait for the pods of confidential-containers-system stable ' +
      `\\(${unchangedPolls} unchanged looks ${intervalSeconds}s apart\\): ` +
      `not stable after ${maxPolls} looks ${intervalSeconds}s apart; expected ${unchangedPolls} looks ${intervalSeconds}s apart without a ` +
      `new or restarted container \\(at most ${maxPolls}\\), last seen 0 unchanged looks of ${maxPolls}; ` +
      `last change: pod cc-operator-daemon-install-4rz6m container cc-runtime-install-pod restarted \\(restarts ${maxPolls - 1} → ${maxPolls}\\)`));
    expect(cluster.now()).toBe(15_000 + 97_000 + maxPolls * INTERVAL_MS);
  });

  test('node labels are the overlay\'s: enclave-cc waits for confidentialcontainers.org/enclave-cc, not the kata label', async () => {
    expect(recipe.overlays['enclave-cc-hw']?.nodeLabels).toEqual({ 'cc-preinstall/done': 'true', 'confidentialcontainers.org/enclave-cc': 'true' });
    const cluster = new ScriptedCluster(enclaveCcScript());
    const { ctx, files } = scriptedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, { ...target, platform: 'enclave-cc-hw' });
    expect(files.get(`${tmpdir()}/ccruntime/kustomization.yaml`)).toContain('config/samples/enclave-cc/hw?ref=v0.9.0');
    expect(installed).toMatchObject({ overlay: 'enclave-cc-hw', runtimeClasses: ['enclave-cc'] });
    expect(cluster.now()).toBe(15_000 + 97_000 + unchangedPolls * INTERVAL_MS);
  });

  test('a kata overlay whose install-done label never comes fails at the node-label stage, saying what the node has', async () => {
    const cluster = new ScriptedCluster(enclaveCcScript());
    const { ctx } = scriptedInstallContext(cluster, phaseOf);
    const error = await installRelease(ctx, profile, { ...target, platform: 'snp' }).then(() => undefined, (e: Error) => e);
    // Runtime classes first: the default overlay's never all come in this script.
    expect(error?.message).toContain('failed to wait for runtime classes kata, kata-clh, kata-qemu, kata-qemu-tdx, kata-qemu-sev, kata-qemu-snp ' +
      'present: timed out after 300s; expected each of them present, last seen kata, kata-clh, kata-qemu, kata-qemu-tdx, kata-qemu-sev, ' +
      'kata-qemu-snp missing (present: enclave-cc)');
    const labelsOnly = script('operator-v0.9.0-happy.json');
    delete lastNodeEvent(labelsOnly.phases['apply-ccruntime']!).object.metadata.labels!['katacontainers.io/kata-runtime'];
    const stuck = new ScriptedCluster(labelsOnly);
    const failure = await installRelease(scriptedInstallContext(stuck, phaseOf).ctx, profile, target).then(() => undefined, (e: Error) => e);
    expect(failure?.message).toContain('failed to wait for a node labelled cc-preinstall/done=true, katacontainers.io/kata-runtime=true: ' +
      'timed out after 300s; expected a node carrying cc-preinstall/done=true, katacontainers.io/kata-runtime=true, ' +
      'last seen coco-worker-0: cc-preinstall/done=true');
    // The limit counts from the end of the runtime-class stage (the last class at 95 s).
    expect(stuck.now()).toBe(15_000 + 95_000 + 300_000);
  });

  test('a runtime class that never appears fails at its named limit, naming it', async () => {
    const cluster = ScriptedCluster.load(fixture('operator-v0.9.0-runtime-class-missing.json'));
    const { ctx } = scriptedInstallContext(cluster, phaseOf);
    const error = await installRelease(ctx, profile, target).then(() => undefined, (e: Error) => e);
    expect(error?.message).toContain('present: timed out after 300s; expected each of them present, ' +
      'last seen kata-qemu-snp missing (present: kata, kata-clh, kata-qemu, kata-qemu-sev, kata-qemu-tdx)');
    // The limit counts from the end of the daemon stage (install daemon Running at 60 s).
    expect(cluster.now()).toBe(15_000 + 60_000 + 300_000);
    expect(error?.cause).toBeInstanceOf(Error);
  });
});

test.describe('operator install, CcRuntime status readiness (operator.sh from v0.12)', () => {
  const statusProfile = { ...profile, install: { ...recipe, readiness: { ...recipe.readiness, installed: { by: 'ccruntime-status' as const, timeoutSeconds: 600 } } } };
  const ccRuntime = (completed: number, at: number) => ({ at, type: completed ? 'MODIFIED' as const : 'ADDED' as const, kind: 'CcRuntime' as const,
    object: { metadata: { name: recipe.overlays.default!.ccRuntime }, status: { totalNodesCount: 1, installationStatus: { completed: { completedNodesCount: completed } } } } });
  const withCcRuntime = (...events: Array<ReturnType<typeof ccRuntime>>): ScriptedCluster => {
    const base = script('operator-v0.9.0-happy.json');
    return new ScriptedCluster({ ...base, phases: { ...base.phases, 'apply-ccruntime': [...base.phases['apply-ccruntime']!, ...events] } });
  };

  test('waits for the overlay\'s CcRuntime to report every node installed before the runtime classes', async () => {
    const cluster = withCcRuntime(ccRuntime(0, 50), ccRuntime(1, 100));
    await installRelease(scriptedInstallContext(cluster, phaseOf).ctx, statusProfile, target);
    // Installed at 100 s, after the classes (95 s) and labels (97 s) came: the later stages are met at once.
    expect(cluster.now()).toBe(15_000 + 100_000 + unchangedPolls * INTERVAL_MS);
  });

  test('a CcRuntime that never completes fails at its limit, saying what it reported', async () => {
    const cluster = withCcRuntime(ccRuntime(0, 50));
    await expect(installRelease(scriptedInstallContext(cluster, phaseOf).ctx, statusProfile, target)).rejects.toThrow(
      `failed to wait for CcRuntime ${recipe.overlays.default!.ccRuntime} installed: timed out after 600s; expected completedNodesCount equal to ` +
      'totalNodesCount, last seen completedNodesCount 0, totalNodesCount 1');
  });
});

test.describe('operator uninstall against hand-written API responses', () => {
  test('runs the profile order and verifies each step before the next', async () => {
    const cluster = ScriptedCluster.load(fixture('operator-v0.9.0-happy.json'));
    const { ctx, commands } = scriptedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, target);
    commands.length = 0;
    let stateAtOperatorDelete: { pods: string[]; classes: string[]; labels: Record<string, string> } | undefined;
    const original = ctx.command;
    ctx.command = async (step, argv, options) => {
      if (argv.join(' ').includes(` delete -k `) && argv.join(' ').includes(OPERATOR)) {
        stateAtOperatorDelete = { pods: cluster.names('Pod'), classes: cluster.names('RuntimeClass'), labels: cluster.labels('coco-worker-0') };
      }
      return original(step, argv, options);
    };
    const start = cluster.now();
    await uninstallRelease(ctx, profile, installed);

    expect(commands.map((c) => c.line.split(' ').slice(3, 5).join(' ') + ' ' + c.line.split('/').slice(-1)[0])).toEqual([
      'delete -k default?ref=v0.9.0 --ignore-not-found',
      'delete -k release?ref=v0.9.0 --ignore-not-found',
      // then one look for leftovers: runtime classes, node labels, the namespace, the CRD
      'get runtimeclass kubeconfig get runtimeclass -o name',
      'get nodes kubeconfig get nodes -o json',
      'get namespace kubeconfig get namespace confidential-containers-system --ignore-not-found -o name',
      'get crd kubeconfig get crd ccruntimes.confidentialcontainers.org --ignore-not-found -o name',
    ]);
    // The operator was deleted only after the install daemons, every kata runtime class and the node labels were
    // gone; the uninstall daemon may still be finishing (upstream lets it run meanwhile).
    expect(stateAtOperatorDelete).toEqual({
      pods: ['cc-operator-controller-manager-7d8c9f8b6-x2k4p', 'cc-operator-daemon-uninstall-tq9wz'],
      classes: [],
      labels: { 'kubernetes.io/hostname': 'coco-worker-0', 'kubernetes.io/os': 'linux', 'node.kubernetes.io/worker': '' },
    });
    expect(commands[1]!.atMs - start).toBe(40_000); // the node labels went last, 40 s after the CcRuntime delete
    expect(cluster.names('Pod')).toEqual([]); // and the controller is gone when uninstall returns
  });

  test('a runtime class that stays fails the uninstall step, naming what remains', async () => {
    const cluster = ScriptedCluster.load(fixture('operator-v0.9.0-uninstall-stuck.json'));
    const { ctx, commands } = scriptedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, target);
    commands.length = 0;
    await expect(uninstallRelease(ctx, profile, installed)).rejects.toThrow(
      'failed to uninstall release v0.9.0: failed to wait for runtime classes kata, kata-clh, kata-qemu, kata-qemu-tdx, kata-qemu-sev, kata-qemu-snp gone: timed out after 300s; expected none left, last seen still present: kata, kata-clh, kata-qemu, kata-qemu-sev, kata-qemu-snp, kata-qemu-tdx',
    );
    // The operator is never deleted while its CcRuntime's leftovers remain.
    expect(commands.map((c) => c.line)).not.toContainEqual(expect.stringContaining(OPERATOR));
  });
});

test.describe('control platform install', () => {
  test('creates RuntimeClass control with handler runc and verifies it is present, then removes it', async () => {
    const cluster = ScriptedCluster.load(fixture('control-runtime-class.json'));
    const { ctx, commands, files } = scriptedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, { platform: 'control', arch: 'x86_64', workerNode: 'coco-worker-0' });
    expect(installed).toMatchObject({ method: 'control', runtimeClasses: ['control'] });
    const manifest = [...files.values()][0]!;
    expect(manifest).toContain('kind: RuntimeClass');
    expect(manifest).toContain('handler: runc');
    expect(cluster.names('RuntimeClass')).toEqual(['control']);
    expect(cluster.now()).toBe(1_000);
    await uninstallRelease(ctx, profile, installed);
    expect(commands.map((c) => c.line)).toContainEqual(expect.stringContaining('delete runtimeclass control --ignore-not-found'));
    expect(cluster.names('RuntimeClass')).toEqual([]);
  });

  test('a runtime class left after the uninstall fails its verification, naming it', async () => {
    const cluster = ScriptedCluster.load(fixture('control-runtime-class.json'));
    const { ctx } = scriptedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, { platform: 'control', arch: 'x86_64', workerNode: 'coco-worker-0' });
    // As if the delete had not taken: the class is still there, and so is a label the install claims to have put on.
    await expect(verifyUninstalled(ctx, { ...installed, nodeLabels: ['node.kubernetes.io/worker'] })).rejects.toThrow(
      'the uninstall left runtime class control; node coco-worker-0 label node.kubernetes.io/worker');
    await uninstallRelease(ctx, profile, installed);
    await verifyUninstalled(ctx, installed);
  });
});

test.describe('helm install (v0.18+ profiles)', () => {
  const helmProfile = {
    ...profile,
    release: 'v0.18.0',
    install: {
      method: 'helm' as const, chart: 'oci://ghcr.io/confidential-containers/charts/confidential-containers', version: '0.18.0',
      releaseName: 'coco', namespace: 'coco-system', runtimeClasses: { x86_64: ['kata-qemu-snp', 'kata-qemu-tdx'] }, readinessTimeoutSeconds: 600,
      hypervisorDebug: true, debugValue: 'kata-as-coco-runtime.debug', snapshotters: { offered: ['nydus' as const, 'erofs' as const], installed: ['nydus' as const] },
    },
  };
  const helmScript = {
    description: 'helm --wait returns once the chart is up; its runtime classes are seen 4-5 s later, the node label at 6 s',
    initial: [],
    phases: {
      'helm-install': [
        { at: 4, type: 'ADDED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-snp' }, handler: 'kata-qemu-snp' } },
        { at: 5, type: 'ADDED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-tdx' }, handler: 'kata-qemu-tdx' } },
        { at: 6, type: 'ADDED' as const, kind: 'Node' as const, object: { metadata: { name: 'n1', labels: { 'katacontainers.io/kata-runtime': 'true' } } } },
      ],
      'helm-uninstall': [
        { at: 2, type: 'DELETED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-snp' } } },
        { at: 3, type: 'DELETED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-tdx' } } },
        { at: 4, type: 'MODIFIED' as const, kind: 'Node' as const, object: { metadata: { name: 'n1', labels: {} } } },
      ],
    },
  };
  const helmPhase = (line: string) => (line.includes(' install coco ') ? 'helm-install' : line.includes(' uninstall coco ') ? 'helm-uninstall' : undefined);
  const manifestWith = (...classes: string[]) => (line: string) => (line.includes(' get manifest coco ')
    ? classes.map((name) => `---\nkind: RuntimeClass\napiVersion: node.k8s.io/v1\nmetadata:\n  name: ${name}\nhandler: ${name}\n`).join('')
    : undefined);
  const helm = helmCommand();

  test('installs the chart with --wait, checks the classes it made, waits for them and the node label, uninstalls and verifies they went', async () => {
    const cluster = new ScriptedCluster(helmScript);
    const { ctx, commands } = scriptedInstallContext(cluster, helmPhase, manifestWith('kata-qemu-snp', 'kata-qemu-tdx', 'kata-qemu-coco-dev'));
    const installed = await installRelease(ctx, helmProfile, target);
    expect(commands[0]!.line).toBe(`${helm} --kubeconfig /scripted/kubeconfig install coco oci://ghcr.io/confidential-containers/charts/confidential-containers --version 0.18.0 --namespace coco-system --create-namespace --wait --timeout=600s ` +
      `--values ${tmpdir()}/helm-values.yaml`);
    expect(installed).toMatchObject({ method: 'helm', namespace: 'coco-system', runtimeClasses: ['kata-qemu-snp', 'kata-qemu-tdx'] });
    expect(cluster.now()).toBe(6_000);
    await uninstallRelease(ctx, helmProfile, installed);
    expect(commands.map((c) => c.line.replace(helm, 'helm').split(' ').slice(0, 5).join(' '))).toEqual([
      'helm --kubeconfig /scripted/kubeconfig install coco', 'helm --kubeconfig /scripted/kubeconfig get manifest',
      'helm --kubeconfig /scripted/kubeconfig uninstall coco', 'kubectl --kubeconfig /scripted/kubeconfig delete namespace',
      'kubectl --kubeconfig /scripted/kubeconfig get runtimeclass', 'kubectl --kubeconfig /scripted/kubeconfig get nodes',
      'kubectl --kubeconfig /scripted/kubeconfig get namespace',
    ]);
    expect(cluster.names('RuntimeClass')).toEqual([]);
  });

  test('a class the profile expects that the chart did not make fails the install at once, naming it', async () => {
    const cluster = new ScriptedCluster(helmScript);
    const { ctx } = scriptedInstallContext(cluster, helmPhase, manifestWith('kata-qemu-snp'));
    await expect(installRelease(ctx, helmProfile, target)).rejects.toThrow(
      'failed to install release v0.18.0 for snp: the chart made no RuntimeClass kata-qemu-tdx that the profile expects for x86_64 ' +
      '(it made: kata-qemu-snp); a values key the chart does not read?');
    expect(cluster.now()).toBe(0);
  });
});
