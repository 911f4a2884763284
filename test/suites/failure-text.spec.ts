import { expect, test } from '@playwright/test';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { describeFound, failureEvidence, judgeFailureText, type PodFailure } from '../../lib/cluster/index.ts';
import type { NodeShell } from '../../lib/node-shell/index.ts';

// Evidence in the shapes the real stack produces, written by hand from the texts upstream shows (not recorded from a
// TEE run, which this machine cannot make): the pod status of a kata pod whose layer the guest could not decrypt
// (kata 3.7.0 tests/integration/kubernetes: "Reason: StartError, Message: failed to create containerd task: failed
// to create shim task: failed to handle layer: …"), kubelet's events, and a `journalctl -x -t kata` excerpt with the
// agent's image-rs error (guest-components v0.9.0 / kata 3.9.0 wording).
const V090 = 'failed to get decrypt key missing private key needed for decryption';
const KATA_390 = ['failed to get decrypt key', 'no suitable key found for decrypting layer key'];

const startError: PodFailure = {
  reason: 'StartError',
  message: 'failed to create containerd task: failed to create shim task: failed to handle layer: ' +
    'rpc error: code = Internal desc = failed to pull image: ' + V090,
  container: 'encrypted-image-test',
  pod: { metadata: { name: 'encrypted-image-test' } } as V1Pod,
};
const pullBackOff: PodFailure = {
  reason: 'ImagePullBackOff', message: 'Back-off pulling image "r/authenticated:1"', container: 'c',
  pod: { metadata: { name: 'authenticated-image-test' } } as V1Pod,
};
const kubeletEvents: CoreV1Event[] = [{
  metadata: {}, involvedObject: { kind: 'Pod', name: 'authenticated-image-test' }, type: 'Warning', reason: 'Failed',
  message: 'Failed to pull image "r/authenticated:1": rpc error: code = Unknown desc = failed to pull manifest Not authorized',
  lastTimestamp: new Date('2024-07-26T10:00:00Z'),
}];
const journalExcerpt = [
  'Jul 26 10:00:01 tdx-01 kata[4242]: time="2024-07-26T10:00:01Z" level=error msg="rpc error" error="failed to pull image: ' +
    'failed to get decrypt key no suitable key found for decrypting layer key" name=containerd-shim-v2 sandbox=ab12',
].join('\n');

const cluster = (events: CoreV1Event[] = []) => ({ events: async () => events });
function shell(journal: { stdout: string; exitCode?: number; stderr?: string }): NodeShell {
  return { mode: 'local', run: async (argv) => ({ argv, exitCode: journal.exitCode ?? 0, stdout: journal.stdout, stderr: journal.stderr ?? '', durationMs: 1 }) };
}
const since = new Date('2024-07-26T09:59:00Z');

const agentError = (...fragments: string[]) => ({ surfaces: 'agent-error' as const, fragments });
const guestLog = (...fragments: string[]) => ({ surfaces: 'guest-log' as const, fragments });

test('agent-error: the text is found in the pod status of a StartError, and the verdict says where', async () => {
  const evidence = await failureEvidence(cluster(), 'ns', startError, shell({ stdout: '-- No entries --' }), since);
  const verdict = judgeFailureText({ expected: agentError(V090), supported: true, failure: startError, claimNote: '' }, evidence);
  expect(verdict).toMatchObject({ checked: true, channel: 'agent-error', fragments: [V090], missing: [], found: [{ fragment: V090, foundIn: ['agent-error'] }] });
});

test('agent-error: a back-off finds its cause in the pod events', async () => {
  const evidence = await failureEvidence(cluster(kubeletEvents), 'ns', pullBackOff, shell({ stdout: '' }), since);
  expect(judgeFailureText({ expected: agentError('failed to pull manifest Not authorized'), supported: true, failure: pullBackOff, claimNote: '' }, evidence))
    .toMatchObject({ checked: true, missing: [] });
});

test('guest-log: every fragment must be in the journal (kata 3.9.0 asserts two); a missing one is named', async () => {
  const inJournal = await failureEvidence(cluster(), 'ns', pullBackOff, shell({ stdout: journalExcerpt }), since);
  expect(judgeFailureText({ expected: guestLog(...KATA_390), supported: true, failure: pullBackOff, claimNote: '' }, inJournal))
    .toMatchObject({ checked: true, channel: 'guest-log', fragments: KATA_390, missing: [] });
  const onlyStatus = await failureEvidence(cluster(), 'ns', startError, shell({ stdout: '-- No entries --' }), since);
  // guest-components v0.9.0 says "missing private key", not 3.9.0's "no suitable key": the check must not pass.
  expect(judgeFailureText({ expected: guestLog(...KATA_390), supported: true, failure: startError, claimNote: '' }, onlyStatus))
    .toMatchObject({ checked: true, missing: KATA_390 });
});

test('a text is sought only in the channel the profile names: found in the other one, it is missing, and the verdict says where it was', async () => {
  // The journal holds it (debug on), the pod status does not: an agent-error claim is wrong.
  const journalOnly = await failureEvidence(cluster(), 'ns', pullBackOff, shell({ stdout: journalExcerpt }), since);
  const verdict = judgeFailureText({ expected: agentError('no suitable key found'), supported: true, failure: pullBackOff, claimNote: '' }, journalOnly);
  expect(verdict).toMatchObject({ checked: true, missing: ['no suitable key found'], found: [{ foundIn: ['guest-log'] }] });
  expect(verdict.checked && describeFound(verdict)).toBe('"no suitable key found" found in guest-log');
  // In the pod status, not the (empty) journal: a guest-log claim is wrong.
  const statusOnly = await failureEvidence(cluster(), 'ns', startError, shell({ stdout: '-- No entries --' }), since);
  expect(judgeFailureText({ expected: guestLog(V090), supported: true, failure: startError, claimNote: '' }, statusOnly))
    .toMatchObject({ checked: true, missing: [V090], found: [{ foundIn: ['agent-error'] }] });
});

test('guest-log without a readable journal is not checked, and says why; agent-error of a running pod reads its events', async () => {
  const noJournal = await failureEvidence(cluster(), 'ns', undefined, shell({ stdout: '', exitCode: 127, stderr: 'sh: journalctl: not found' }), since);
  expect(judgeFailureText({ expected: guestLog('no suitable key found'), supported: true, failure: undefined, claimNote: '' }, noJournal))
    .toEqual({ checked: false, note: 'not checked: a guest-log text needs the kata journal; journalctl unavailable on the node (exit 127): sh: journalctl: not found' });
  const withJournal = await failureEvidence(cluster(), 'ns', undefined, shell({ stdout: journalExcerpt }), since);
  expect(judgeFailureText({ expected: guestLog('no suitable key found'), supported: true, failure: undefined, claimNote: '' }, withJournal))
    .toMatchObject({ checked: true, missing: [] });
});

test('not supported: nothing is read and the note says why the outcome alone was checked', () => {
  expect(judgeFailureText({ expected: agentError(V090), supported: false, failure: startError,
    claimNote: 'release v0.9.0 claims unsupported for encrypted-images on control' }, undefined))
    .toEqual({ checked: false, note: 'not checked: release v0.9.0 claims unsupported for encrypted-images on control; the outcome alone was checked' });
});
