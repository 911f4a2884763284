import { expect, test } from '@playwright/test';
import { catalogTest } from '../../matrix/index.ts';
import { createWaitFor } from '../../lib/cluster/index.ts';
import {
  podReady, podsRunning, realClock, runtimeClassesPresent, waitInOrder, waitUntil, type ClusterEventSource,
} from '../../lib/cluster/wait/index.ts';
import { kataJournal, sandboxRootfs, type NodeShell } from '../../lib/node-shell/index.ts';
import { ScriptedCluster, type ScriptLogLine, type ScriptObject } from '../pipeline/support/scripted-cluster.ts';

/** A scripted API server on a virtual clock: pod `x` is listed in the first of `pods` and goes through the others,
 *  one a second, with `warnings` as its Warning events, the service account `default` in ns1, and the log lines. */
function cluster(pods: ScriptObject[], options: { warnings?: string[]; warningReason?: string; log?: ScriptLogLine[] } = {}): ScriptedCluster {
  const events = (options.warnings ?? []).map((message, i) => ({ kind: 'Event' as const, object: {
    metadata: { name: `x.${i}`, namespace: 'ns' }, type: 'Warning', reason: options.warningReason ?? 'Failed', message,
    involvedObject: { kind: 'Pod', name: 'x' }, lastTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() } }));
  const scripted = new ScriptedCluster({
    description: 'one pod, its warnings, a default service account',
    initial: [...events, { kind: 'ServiceAccount', object: { metadata: { name: 'default', namespace: 'ns1' } } },
      ...pods.slice(0, 1).map((object) => ({ kind: 'Pod' as const, object }))],
    phases: { start: pods.slice(1).map((object, i) => ({ at: i + 1, type: 'MODIFIED' as const, kind: 'Pod' as const, object })) },
    logs: { start: options.log ?? [] },
  });
  scripted.trigger('start');
  return scripted;
}

const waitFor = (scripted: ScriptedCluster, limits = timeouts) => createWaitFor(scripted, limits, scripted);
const timeouts = { podReadySeconds: 1, podFailedSeconds: 1, runtimeClassSeconds: 1, logSeconds: 1 };
// Limits far beyond the script: a wait that ends on a terminal state says why; one that did not would time out.
const patient = { podReadySeconds: 3600, podFailedSeconds: 3600, runtimeClassSeconds: 3600, logSeconds: 3600 };

const pod = (status: Record<string, unknown>): ScriptObject => ({ metadata: { name: 'x', namespace: 'ns' }, status });
const pending = (reason: string, message: string): ScriptObject => pod({ phase: 'Pending', containerStatuses: [{ name: 'c',
  image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, message } } }] });
const running = pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] });
const startError = pod({ phase: 'Failed', containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0,
  state: { terminated: { exitCode: 128, reason: 'StartError', message: 'failed to create containerd task: failed to handle layer' } } }] });

const READY = 'failed to wait for pod ns/x Ready';

test('podReady times out with the expectation and the last phase, reason and message', async () => {
  await expect(waitFor(cluster([pending('ContainerCreating', 'pulling in the guest')])).podReady('ns', 'x')).rejects.toThrow(
    `${READY}: timed out after 1s; expected condition Ready, last seen phase Pending, reason ContainerCreating: pulling in the guest`);
});

test('podReady says when no pod was ever seen', async () => {
  await expect(waitFor(cluster([])).podReady('ns', 'x')).rejects.toThrow(`${READY}: timed out after 1s; expected condition Ready, last seen no such pod`);
});

test('podReady resolves with the pod once it is Ready', async () => {
  await expect(waitFor(cluster([pending('ContainerCreating', ''), running]), patient).podReady('ns', 'x')).resolves.toMatchObject({ status: { phase: 'Running' } });
});

test('podReady ends on a pod that ended, not at its limit', async () => {
  await expect(waitFor(cluster([startError]), patient).podReady('ns', 'x')).rejects.toThrow(
    `${READY}: it ended; expected condition Ready, last seen phase Failed, reason StartError: failed to create containerd task: failed to handle layer`);
});

// containerd's words for an encrypted layer on a host without imgcrypt (seen on the control run: nothing on runc can
// decrypt it).
const noProcessor = 'failed to pull and unpack image "r/encrypted:1": failed to extract layer sha256:ab: failed to get stream ' +
  'processor for application/vnd.oci.image.layer.v1.tar+gzip+encrypted: ctd-decoder resolves to executable in current directory (./ctd-decoder): unknown';
const backOff = (image: string) => pending('ImagePullBackOff', `Back-off pulling image "${image}"`);

test('podReady ends on a pull error that will not heal, with its cause', async () => {
  await expect(waitFor(cluster([pending('ErrImagePull', noProcessor)]), patient).podReady('ns', 'x')).rejects.toThrow(
    `${READY}: its image cannot be pulled; expected condition Ready, last seen phase Pending, reason ErrImagePull: ${noProcessor}`);
});

test('podReady explains a back-off it saw first from the pod\'s Warning events', async () => {
  const scripted = cluster([backOff('r/encrypted:1')], { warnings: [`Failed to pull image "r/encrypted:1": ${noProcessor}`, 'Back-off pulling image "r/encrypted:1"'] });
  await expect(waitFor(scripted, patient).podReady('ns', 'x')).rejects.toThrow(`${READY}: its image cannot be pulled; expected condition Ready, ` +
    `last seen phase Pending, reason ImagePullBackOff: Back-off pulling image "r/encrypted:1": Failed to pull image "r/encrypted:1": ${noProcessor}`);
});

const transient = 'failed to pull manifest error sending request for url (https://r/v2/)';

test('podReady keeps waiting through a back-off whose cause, read from the events, may heal', async () => {
  const scripted = cluster([backOff('r/a:1')], { warnings: [`Failed to pull image "r/a:1": ${transient}`] });
  await expect(waitFor(scripted).podReady('ns', 'x')).rejects.toThrow(`${READY}: timed out after 1s; expected condition Ready, ` +
    `last seen phase Pending, reason ImagePullBackOff: Back-off pulling image "r/a:1": Failed to pull image "r/a:1": ${transient}`);
});

test('podReady keeps waiting through a pull error that may heal, explains its back-off by it, and sees the pod Ready after', async () => {
  await expect(waitFor(cluster([pending('ErrImagePull', transient)])).podReady('ns', 'x')).rejects.toThrow(
    `${READY}: timed out after 1s; expected condition Ready, last seen phase Pending, reason ErrImagePull: ${transient}`);
  await expect(waitFor(cluster([pending('ErrImagePull', transient), backOff('r/a:1')])).podReady('ns', 'x')).rejects.toThrow(
    `${READY}: timed out after 1s; expected condition Ready, last seen phase Pending, reason ImagePullBackOff: Back-off pulling image "r/a:1": ${transient}`);
  await expect(waitFor(cluster([pending('ErrImagePull', transient), backOff('r/a:1'), running]), patient).podReady('ns', 'x'))
    .resolves.toMatchObject({ status: { phase: 'Running' } });
});

test('podReady ends on a container that cannot be created', async () => {
  await expect(waitFor(cluster([pending('CreateContainerConfigError', 'secret "sealed-secret" not found')]), patient).podReady('ns', 'x'))
    .rejects.toThrow(`${READY}: its container cannot start; expected condition Ready, last seen phase Pending, reason CreateContainerConfigError: secret "sealed-secret" not found`);
});

test('podFailed on a back-off carries the cause from the events', async () => {
  const scripted = cluster([backOff('r/a:1')], { warnings: ['Failed to pull image "r/a:1": failed to pull manifest Not authorized'] });
  await expect(waitFor(scripted, patient).podFailed('ns', 'x')).resolves.toMatchObject({
    reason: 'ImagePullBackOff', message: 'Back-off pulling image "r/a:1": Failed to pull image "r/a:1": failed to pull manifest Not authorized' });
});

test('podFailed resolves with reason and message', async () => {
  const failure = await waitFor(cluster([pending('ErrImagePull', 'failed to pull manifest Not authorized')])).podFailed('ns', 'x');
  expect(failure).toMatchObject({ reason: 'ErrImagePull', message: 'failed to pull manifest Not authorized', container: 'c' });
});

test('podFailed rejects a pod that becomes Ready', async () => {
  await expect(waitFor(cluster([running]), patient).podFailed('ns', 'x')).rejects.toThrow(
    'failed to wait for pod ns/x to fail: it is Ready; expected it to fail (phase Failed, or an image pull or container start error), last seen phase Running');
});

test('imagePullFailed accepts a StartError about layers and refuses other failures', async () => {
  await expect(waitFor(cluster([startError])).imagePullFailed('ns', 'x')).resolves.toMatchObject({ reason: 'StartError' });
  await expect(waitFor(cluster([pending('CrashLoopBackOff', 'back-off restarting')])).imagePullFailed('ns', 'x')).rejects.toThrow(
    'failed to wait for pod ns/x to fail at image pull: it failed, but not at image pull; expected it to fail at pulling, unpacking or ' +
    'decrypting the image, last seen reason CrashLoopBackOff: back-off restarting');
  await expect(waitFor(cluster([running]), patient).imagePullFailed('ns', 'x')).rejects.toThrow(
    'failed to wait for pod ns/x to fail at image pull: it is Ready; expected it to fail at pulling, unpacking or decrypting the image, ' +
    'last seen phase Running');
});

// kata 3.17.0: the agent's CreateSandbox builds image-rs's client, which fetches the image policy; without KBS the
// sandbox fails, kubelet retries it with FailedCreatePodSandBox events and the pod stays ContainerCreating.
const sandboxError = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: ' +
  'ttrpc request error … message: "[CDH] [ERROR]: Get Resource failed"';

test('sandboxFailed resolves on a FailedCreatePodSandBox event with its message, where imagePullFailed would wait out its limit', async () => {
  const creating = pending('ContainerCreating', '');
  const sandbox = { warnings: [sandboxError], warningReason: 'FailedCreatePodSandBox' };
  await expect(waitFor(cluster([creating], sandbox), patient).sandboxFailed('ns', 'x')).resolves.toMatchObject({
    reason: 'FailedCreatePodSandBox', message: sandboxError });
  await expect(waitFor(cluster([creating], sandbox)).imagePullFailed('ns', 'x')).rejects.toThrow('timed out after 1s');
});

test('sandboxFailed refuses other Warning events, a pod that runs and a pod that fails at its container', async () => {
  await expect(waitFor(cluster([pending('ContainerCreating', '')], { warnings: [sandboxError] })).sandboxFailed('ns', 'x')).rejects.toThrow(
    'expected a FailedCreatePodSandBox event (its sandbox cannot be created), last seen phase Pending, reason ContainerCreating');
  await expect(waitFor(cluster([running]), patient).sandboxFailed('ns', 'x')).rejects.toThrow('it is Ready');
  await expect(waitFor(cluster([startError]), patient).sandboxFailed('ns', 'x')).rejects.toThrow('its sandbox was made: it failed at its container instead');
});

test('podSucceeded and runtimeClass name what they waited for', async () => {
  await expect(waitFor(cluster([startError])).podSucceeded('ns', 'x')).rejects.toThrow(
    'failed to wait for pod ns/x Succeeded: it failed; expected phase Succeeded, last seen phase Failed, reason StartError');
  await expect(waitFor(cluster([])).runtimeClass('kata-qemu-snp')).rejects.toThrow(
    'failed to wait for runtime class kata-qemu-snp present: timed out after 1s; expected it present, last seen kata-qemu-snp missing (present: none)');
});

// The same wait calls the suites make in the steps the catalog names (suites/encrypted-images, authenticated-registries,
// signed-images.spec.ts).
test('the errors of the suites\' waits match the failure signatures the test catalog expects of them', async () => {
  const signature = (id: string) => new RegExp(catalogTest(id).failsAs!.pattern, 'i');
  const undecryptable = await waitFor(cluster([pending('ErrImagePull', noProcessor)]), patient).podReady('ns', 'x').catch((e: Error) => e.message);
  expect(undecryptable).toMatch(signature('encrypted-image/right-key-runs'));
  const refused = await waitFor(cluster([pending('ErrImagePull', 'failed to pull manifest Not authorized')]), patient).podReady('ns', 'x')
    .catch((e: Error) => e.message);
  expect(refused).toMatch(signature('authenticated-registry/right-credentials-run'));
  const admitted = await waitFor(cluster([running]), patient).imagePullFailed('ns', 'x').catch((e: Error) => e.message);
  expect(admitted).toMatch(signature('signed-images/unsigned-image-rejected'));
});

test('logContains resolves on the text and explains an ended or silent log', async () => {
  const found = await waitFor(cluster([], { log: [{ at: 1, text: 'a\n' }, { at: 2, text: 'done 1\n' }] }), patient).logContains('ns', 'p', 'c', 'done 1');
  expect(found).toBe('a\ndone 1\n');
  await expect(waitFor(cluster([], { log: [{ at: 0.5, text: 'a\nb\n', end: true }] })).logContains('ns', 'p', 'c', 'done')).rejects.toThrow(
    'failed to wait for "done" in the log of pod ns/p (container c): the log ended; expected a line with "done", last seen the last lines a | b');
  await expect(waitFor(cluster([])).logContains('ns', 'p', 'c', 'done')).rejects.toThrow(
    'failed to wait for "done" in the log of pod ns/p (container c): timed out after 1s; expected a line with "done", last seen an empty log');
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
  const waits = waitFor(cluster([]));
  await expect(waits.serviceAccount('ns1', 'default')).resolves.toBeUndefined();
  await expect(waits.serviceAccount('ns1', 'builder')).rejects.toThrow(
    'failed to wait for service account ns1/builder present: timed out after 1s; expected the service account, last seen no such service account');
});

test('podGone names the pod that is still there, and resolves once it is deleted or was never there', async () => {
  await expect(waitFor(cluster([running])).podGone('ns1', 'x')).rejects.toThrow(
    'failed to wait for pod ns1/x gone: timed out after 1s; expected no such pod, last seen phase Running');
  const deleted = new ScriptedCluster({ description: 'pod x, deleted 5 s after the wait starts', initial: [{ kind: 'Pod', object: running }],
    phases: { delete: [{ at: 5, type: 'DELETED', kind: 'Pod', object: running }] } });
  deleted.trigger('delete');
  await expect(waitFor(deleted, patient).podGone('ns1', 'x')).resolves.toBeUndefined();
  expect(deleted.names('Pod')).toEqual([]);
  await expect(waitFor(new ScriptedCluster({ description: 'empty', initial: [], phases: {} })).podGone('ns1', 'x')).resolves.toBeUndefined();
});

test('a watch that fails ends the wait, saying so with the expectation', async () => {
  const broken: ClusterEventSource = { subscribe: (_scopes, handlers) => { queueMicrotask(() => handlers.error(new Error('failed to list runtime classes: 403 Forbidden'))); return () => {}; } };
  await expect(waitUntil({ source: broken, clock: realClock }, runtimeClassesPresent(['control']), { timeoutSeconds: 3600 })).rejects.toThrow(
    'failed to wait for runtime class control present: the watch failed: failed to list runtime classes: 403 Forbidden; expected it present, ' +
    'last seen nothing: the watch had not listed yet');
});

test('an aborted run ends the wait with its reason', async () => {
  const scripted = cluster([pending('ContainerCreating', '')]);
  const abort = new AbortController();
  const waiting = waitUntil({ source: scripted, clock: scripted, signal: abort.signal }, podReady('ns', 'x'), { timeoutSeconds: 3600 });
  abort.abort(new Error('interrupted (SIGINT)'));
  await expect(waiting).rejects.toThrow('interrupted (SIGINT)');
});

test('one wait holds one scope per kind: two different pod scopes are refused before anything is watched', () => {
  const scripted = cluster([]);
  expect(() => waitInOrder({ source: scripted, clock: scripted }, [
    { condition: podsRunning('ns-a', ['controller'], 'controller pod'), options: { timeoutSeconds: 1 } },
    { condition: podsRunning('ns-b', ['daemon'], 'daemon pods'), options: { timeoutSeconds: 1 } },
  ])).toThrow('failed to wait: two scopes of Pod in one wait');
  expect(scripted.subscriptions).toEqual([]);
});
