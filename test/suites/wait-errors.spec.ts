import { expect, test } from '@playwright/test';
import type { V1Pod } from '@kubernetes/client-node';
import { createWaitFor, type WaitSource } from '../../fixtures/cluster/index.ts';
import { kataJournal, sandboxRootfs, type NodeShell } from '../../fixtures/node-shell/index.ts';

/** A scripted API server: each watch replays `pods` (as the real watch sends the current state first). */
function source(pods: V1Pod[], log: { chunks: string[]; end?: boolean } = { chunks: [] }, warnings: string[] = []): WaitSource {
  return {
    podWarnings: async () => warnings,
    watchPod: async (_ns, _name, onPod) => { setTimeout(() => pods.forEach(onPod), 5); return () => {}; },
    watchRuntimeClass: async () => () => {},
    watchServiceAccount: async (_ns, name, onSeen) => { if (name === 'default') setTimeout(onSeen, 5); return () => {}; },
    watchPodGone: async () => () => {},
    followLog: async (_ns, _pod, _c, onText, onEnd) => {
      setTimeout(() => { log.chunks.forEach(onText); if (log.end) onEnd(); }, 5);
      return () => {};
    },
  };
}

const timeouts = { podReadyMs: 1000, podFailedMs: 1000, runtimeClassMs: 1000, logMs: 1000 };
const pending = (reason: string, message: string): V1Pod => ({
  metadata: { name: 'x' },
  status: { phase: 'Pending', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0,
    state: { waiting: { reason, message } } }] },
});
const running: V1Pod = { metadata: { name: 'x' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
const startError: V1Pod = {
  metadata: { name: 'x' },
  status: { phase: 'Failed', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0,
    state: { terminated: { exitCode: 128, reason: 'StartError', message: 'failed to create containerd task: failed to handle layer' } } }] },
};

test('podReady times out with the last phase, reason and message', async () => {
  const waitFor = createWaitFor(source([pending('ContainerCreating', 'pulling in the guest')]), timeouts);
  await expect(waitFor.podReady('ns', 'x')).rejects.toThrow(
    'pod x not Ready after 1s; last phase Pending, reason ContainerCreating: pulling in the guest');
});

test('podReady says when no pod was ever seen', async () => {
  await expect(createWaitFor(source([]), timeouts).podReady('ns', 'x')).rejects.toThrow('pod x not Ready after 1s; the pod was never seen');
});

// Waits far longer than the test's own timeout: only a wait that ends on the terminal state can finish in time.
const patient = { podReadyMs: 3_600_000, podFailedMs: 3_600_000, runtimeClassMs: 1000, logMs: 1000 };

test('podReady ends on a pod that ended, not at its timeout', async () => {
  await expect(createWaitFor(source([startError]), patient).podReady('ns', 'x')).rejects.toThrow(
    'pod x not Ready: it ended (last phase Failed, reason StartError: failed to create containerd task: failed to handle layer)');
});

// containerd's words for an encrypted layer on a host without imgcrypt (seen on the control run: nothing on runc can
// decrypt it).
const noProcessor = 'failed to pull and unpack image "r/encrypted:1": failed to extract layer sha256:ab: failed to get stream ' +
  'processor for application/vnd.oci.image.layer.v1.tar+gzip+encrypted: ctd-decoder resolves to executable in current directory (./ctd-decoder): unknown';

test('podReady ends on a pull error that will not heal, with its cause', async () => {
  await expect(createWaitFor(source([pending('ErrImagePull', noProcessor)]), patient).podReady('ns', 'x')).rejects.toThrow(
    `pod x not Ready: its image cannot be pulled (ErrImagePull: ${noProcessor})`);
});

test('podReady explains a pull back-off from the ErrImagePull it saw before', async () => {
  const pods = [pending('ErrImagePull', noProcessor), pending('ImagePullBackOff', 'Back-off pulling image "r/encrypted:1"')];
  await expect(createWaitFor(source(pods), patient).podReady('ns', 'x')).rejects.toThrow(
    `pod x not Ready: its image cannot be pulled (ErrImagePull: ${noProcessor})`);
});

test('podReady explains a back-off it saw first from the pod\'s Warning events', async () => {
  const waitFor = createWaitFor(source([pending('ImagePullBackOff', 'Back-off pulling image "r/encrypted:1"')], undefined,
    [`Failed to pull image "r/encrypted:1": ${noProcessor}`, 'Back-off pulling image "r/encrypted:1"']), patient);
  await expect(waitFor.podReady('ns', 'x')).rejects.toThrow(
    `pod x not Ready: its image cannot be pulled (ImagePullBackOff: Failed to pull image "r/encrypted:1": ${noProcessor})`);
});

test('podReady keeps waiting through a back-off whose cause, read from the events, may heal', async () => {
  const waitFor = createWaitFor(source([pending('ImagePullBackOff', 'Back-off pulling image "r/a:1"')], undefined,
    ['Failed to pull image "r/a:1": failed to pull manifest error sending request for url (https://r/v2/)']), timeouts);
  await expect(waitFor.podReady('ns', 'x')).rejects.toThrow('pod x not Ready after 1s; last phase Pending, reason ImagePullBackOff');
});

test('podReady keeps waiting through a pull error that may heal (guest-components 1033)', async () => {
  const waitFor = createWaitFor(source([pending('ErrImagePull', 'failed to pull manifest error sending request for url (https://r/v2/)')]), timeouts);
  await expect(waitFor.podReady('ns', 'x')).rejects.toThrow('pod x not Ready after 1s; last phase Pending, reason ErrImagePull');
});

test('podReady ends on a container that cannot be created', async () => {
  await expect(createWaitFor(source([pending('CreateContainerConfigError', 'secret "sealed-secret" not found')]), patient)
    .podReady('ns', 'x')).rejects.toThrow('pod x not Ready: its container cannot start (last phase Pending, reason CreateContainerConfigError');
});

test('podFailed on a back-off carries the cause from the events', async () => {
  const waitFor = createWaitFor(source([pending('ImagePullBackOff', 'Back-off pulling image "r/a:1"')], undefined,
    ['Failed to pull image "r/a:1": failed to pull manifest Not authorized']), patient);
  await expect(waitFor.podFailed('ns', 'x')).resolves.toMatchObject({
    reason: 'ImagePullBackOff', message: 'Back-off pulling image "r/a:1": Failed to pull image "r/a:1": failed to pull manifest Not authorized' });
});

test('podFailed resolves with reason and message', async () => {
  const failure = await createWaitFor(source([pending('ErrImagePull', 'failed to pull manifest Not authorized')]), timeouts).podFailed('ns', 'x');
  expect(failure).toMatchObject({ reason: 'ErrImagePull', message: 'failed to pull manifest Not authorized', container: 'c' });
});

test('podFailed rejects a pod that becomes Ready', async () => {
  await expect(createWaitFor(source([running]), timeouts).podFailed('ns', 'x')).rejects.toThrow(
    'pod x is Ready; expected it to fail within 1s (last phase Running)');
});

test('imagePullFailed accepts a StartError about layers and refuses other failures', async () => {
  const waitFor = createWaitFor(source([startError]), timeouts);
  await expect(waitFor.imagePullFailed('ns', 'x')).resolves.toMatchObject({ reason: 'StartError' });
  await expect(createWaitFor(source([pending('CrashLoopBackOff', 'back-off restarting')]), timeouts).imagePullFailed('ns', 'x'))
    .rejects.toThrow('pod x failed, but not at image pull: reason CrashLoopBackOff: back-off restarting');
});

test('podSucceeded and runtimeClass name what they waited for', async () => {
  await expect(createWaitFor(source([startError]), timeouts).podSucceeded('ns', 'x')).rejects.toThrow(
    'pod x failed; expected it to succeed (last phase Failed, reason StartError');
  await expect(createWaitFor(source([]), timeouts).runtimeClass('kata-qemu-snp')).rejects.toThrow(
    'runtime class kata-qemu-snp not present after 1s');
});

test('logContains resolves on the text and explains an ended or silent log', async () => {
  const found = await createWaitFor(source([], { chunks: ['a\n', 'done 1\n'] }), timeouts).logContains('ns', 'p', 'c', 'done 1');
  expect(found).toContain('a\n');
  await expect(createWaitFor(source([], { chunks: ['a\n', 'b\n'], end: true }), timeouts).logContains('ns', 'p', 'c', 'done'))
    .rejects.toThrow('log of pod p (container c) ended without "done"; last lines: a | b');
  await expect(createWaitFor(source([], { chunks: [] }), timeouts).logContains('ns', 'p', 'c', 'done'))
    .rejects.toThrow('log of pod p (container c) did not contain "done" after 1s; last lines: (empty)');
});

function shell(stdout: string, exitCode = 0, stderr = ''): NodeShell {
  return { mode: 'local', run: async (argv) => ({ argv, exitCode, stdout, stderr, durationMs: 1 }) };
}

test('the kata journal records absence instead of failing', async () => {
  expect(await kataJournal(shell('-- No entries --\n'), new Date())).toEqual(
    { available: true, text: '', note: 'no kata entries in the journal since the test started' });
  const missing = await kataJournal(shell('', 127, 'sh: journalctl: not found'), new Date());
  expect(missing).toMatchObject({ available: false, note: 'journalctl unavailable on the node (exit 127): sh: journalctl: not found' });
});

test('a runc pod has no kata sandbox directory, which is not a count of zero', async () => {
  expect(await sandboxRootfs(shell('sandbox-dir absent\n'), 'abc')).toEqual(
    { dir: '/run/kata-containers/shared/sandboxes/abc', exists: false, rootfsDirs: [] });
  const kata = await sandboxRootfs(shell('sandbox-dir present\n/run/kata-containers/shared/sandboxes/abc/shared/abc/rootfs\n'), 'abc');
  expect(kata).toMatchObject({ exists: true, rootfsDirs: ['/run/kata-containers/shared/sandboxes/abc/shared/abc/rootfs'] });
});

test('a namespace is usable once its default service account exists; a missing one times out by name', async () => {
  const waitFor = createWaitFor(source([]), timeouts);
  await expect(waitFor.serviceAccount('ns1', 'default')).resolves.toBeUndefined();
  await expect(waitFor.serviceAccount('ns1', 'builder')).rejects.toThrow('service account ns1/builder not present after 1s');
});

test('podGone names the pod that is still there', async () => {
  const waitFor = createWaitFor(source([running]), timeouts);
  await expect(waitFor.podGone('ns1', 'x')).rejects.toThrow('pod ns1/x not gone after 1s');
});
