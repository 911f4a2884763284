import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { loadRelease } from '../../matrix/index.ts';
import { installRelease, uninstallRelease } from '../../scripts/install/release-installer.ts';
import { RecordedCluster } from './support/recorded-cluster.ts';
import { recordedInstallContext } from './support/recorded-install-context.ts';

const profile = loadRelease('v0.9.0');
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const target = { platform: 'snp' as const, arch: 'x86_64' as const, workerNode: 'coco-worker-0' };
const OPERATOR = 'config/release?ref=v0.9.0';
const OVERLAY = 'ccruntime/default?ref=v0.9.0';

/** Which recorded phase a command starts. */
function phaseOf(line: string): string | undefined {
  if (line.includes(' apply -k ') && line.endsWith(OPERATOR)) return 'apply-operator';
  if (line.includes(' apply -k ') && line.endsWith(OVERLAY)) return 'apply-ccruntime';
  if (line.includes(' delete -k ') && line.includes(OVERLAY)) return 'delete-ccruntime';
  if (line.includes(' delete -k ') && line.includes(OPERATOR)) return 'delete-operator';
  if (line.includes(' apply -f ') && line.endsWith('runtimeclass-control.yaml')) return 'apply-control';
  if (line.includes(' delete runtimeclass control')) return 'delete-control';
  return undefined;
}

test.describe('operator install against recorded API responses', () => {
  test('happy path: upstream order, every readiness stage, the stabilisation window, component images', async () => {
    const cluster = RecordedCluster.load(fixture('operator-v0.9.0-happy.json'));
    const { ctx, commands } = recordedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, target);

    expect(commands.map((c) => c.line.replace(/^kubectl --kubeconfig \/recorded\/kubeconfig /, ''))).toEqual([
      'label node coco-worker-0 node.kubernetes.io/worker= --overwrite',
      'apply -k github.com/confidential-containers/operator/config/release?ref=v0.9.0',
      'apply -k github.com/confidential-containers/operator/config/samples/ccruntime/default?ref=v0.9.0',
    ]);
    // The overlay is applied only once the controller runs (15 s into the operator phase), not before.
    expect(commands[2]!.atMs).toBe(15_000);
    // Ready = node labels at 97 s after the overlay, plus the 30 s stabilisation window.
    expect(cluster.now()).toBe(15_000 + 97_000 + 30_000);
    expect(installed).toMatchObject({ method: 'operator', overlay: 'default', namespace: 'confidential-containers-system' });
    expect(installed.runtimeClasses).toContain('kata-qemu-snp');
    expect(installed.componentImages['confidential-containers-system/manager']).toBe('quay.io/confidential-containers/operator:v0.9.0');
  });

  test('a daemon pod that restarts during the stabilisation window is not ready', async () => {
    const cluster = RecordedCluster.load(fixture('operator-v0.9.0-daemon-restart.json'));
    const { ctx } = recordedInstallContext(cluster, phaseOf);
    const failure = installRelease(ctx, profile, target);
    await expect(failure).rejects.toThrow(
      /failed to install release v0\.9\.0 for snp: failed to wait for daemon pods .*: release not ready: pod cc-operator-daemon-install-4rz6m restarted \(restarts 0 → 1\) during the 30s stabilisation window/,
    );
    // Failed at the restart (110 s after the overlay), without waiting for the window to end.
    expect(cluster.now()).toBe(15_000 + 110_000);
  });

  test('a runtime class that never appears fails at its named limit, naming it', async () => {
    const cluster = RecordedCluster.load(fixture('operator-v0.9.0-runtime-class-missing.json'));
    const { ctx } = recordedInstallContext(cluster, phaseOf);
    const error = await installRelease(ctx, profile, target).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/release not ready after 300s \(runtime-classes\): runtime class kata-qemu-snp not present \(present: kata, kata-clh, kata-qemu, kata-qemu-sev, kata-qemu-tdx\)/);
    // The limit counts from the end of the daemon stage (install daemon Running at 60 s).
    expect(cluster.now()).toBe(15_000 + 60_000 + 300_000);
    expect(error?.cause).toBeInstanceOf(Error);
  });
});

test.describe('operator uninstall against recorded API responses', () => {
  test('runs the profile order and verifies each step before the next', async () => {
    const cluster = RecordedCluster.load(fixture('operator-v0.9.0-happy.json'));
    const { ctx, commands } = recordedInstallContext(cluster, phaseOf);
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
    const cluster = RecordedCluster.load(fixture('operator-v0.9.0-uninstall-stuck.json'));
    const { ctx, commands } = recordedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, target);
    commands.length = 0;
    await expect(uninstallRelease(ctx, profile, installed)).rejects.toThrow(
      'failed to uninstall release v0.9.0: failed to wait for runtime classes kata, kata-clh, kata-qemu, kata-qemu-tdx, kata-qemu-sev, kata-qemu-snp gone within 300s: runtime classes still present after 300s: kata, kata-clh, kata-qemu, kata-qemu-sev, kata-qemu-snp, kata-qemu-tdx',
    );
    // The operator is never deleted while its CcRuntime's leftovers remain.
    expect(commands.map((c) => c.line)).not.toContainEqual(expect.stringContaining(OPERATOR));
  });
});

test.describe('control platform install', () => {
  test('creates RuntimeClass control with handler runc and verifies it is present, then removes it', async () => {
    const cluster = RecordedCluster.load(fixture('control-runtime-class.json'));
    const { ctx, commands, files } = recordedInstallContext(cluster, phaseOf);
    const installed = await installRelease(ctx, profile, { platform: 'control', arch: 'x86_64', workerNode: 'coco-worker-0' });
    expect(installed).toMatchObject({ method: 'control', runtimeClasses: ['control'] });
    const manifest = [...files.values()][0]!;
    expect(manifest).toContain('kind: RuntimeClass');
    expect(manifest).toContain('handler: runc');
    expect(cluster.names('RuntimeClass')).toEqual(['control']);
    expect(cluster.now()).toBe(1_000);
    await uninstallRelease(ctx, profile, installed);
    expect(commands.at(-1)!.line).toContain('delete runtimeclass control --ignore-not-found');
    expect(cluster.names('RuntimeClass')).toEqual([]);
  });
});

test.describe('helm install (v0.18+ profiles)', () => {
  const helmProfile = {
    ...profile,
    release: 'v0.18.0',
    install: {
      method: 'helm' as const, chart: 'oci://ghcr.io/confidential-containers/charts/confidential-containers', version: '0.18.0',
      releaseName: 'coco', namespace: 'coco-system', runtimeClasses: { x86_64: ['kata-qemu-snp', 'kata-qemu-tdx'] }, readinessTimeoutSeconds: 600,
    },
  };
  const recording = {
    description: 'helm --wait returns once the chart is up; the runtime classes appear 4-5 s later',
    initial: [],
    phases: {
      'helm-install': [
        { at: 4, type: 'ADDED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-snp' }, handler: 'kata-qemu-snp' } },
        { at: 5, type: 'ADDED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-tdx' }, handler: 'kata-qemu-tdx' } },
      ],
      'helm-uninstall': [
        { at: 2, type: 'DELETED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-snp' } } },
        { at: 3, type: 'DELETED' as const, kind: 'RuntimeClass' as const, object: { metadata: { name: 'kata-qemu-tdx' } } },
      ],
    },
  };

  test('installs the chart with --wait, waits for its runtime classes, uninstalls and verifies they went', async () => {
    const cluster = new RecordedCluster(recording);
    const { ctx, commands } = recordedInstallContext(cluster, (line) =>
      line.startsWith('helm') ? (line.includes(' install ') ? 'helm-install' : 'helm-uninstall') : undefined);
    const installed = await installRelease(ctx, helmProfile, target);
    expect(commands[0]!.line).toBe('helm --kubeconfig /recorded/kubeconfig install coco oci://ghcr.io/confidential-containers/charts/confidential-containers --version 0.18.0 --namespace coco-system --create-namespace --wait --timeout=600s');
    expect(installed).toMatchObject({ method: 'helm', namespace: 'coco-system', runtimeClasses: ['kata-qemu-snp', 'kata-qemu-tdx'] });
    expect(cluster.now()).toBe(5_000);
    await uninstallRelease(ctx, helmProfile, installed);
    expect(commands.map((c) => c.line.split(' ').slice(0, 5).join(' '))).toEqual([
      'helm --kubeconfig /recorded/kubeconfig install coco', 'helm --kubeconfig /recorded/kubeconfig uninstall coco',
      'kubectl --kubeconfig /recorded/kubeconfig delete namespace',
    ]);
    expect(cluster.names('RuntimeClass')).toEqual([]);
  });
});
