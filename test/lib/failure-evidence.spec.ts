import { test, expect } from '@playwright/test';
import { judgeFailureText, type FailureEvidence } from '../../lib/cluster/failure-evidence.ts';
import type { PodFailure } from '../../lib/cluster/wait/index.ts';

/** Where a negative test's failure text is sought: a failed pod's status and events speak even where the node has no
 *  kata journal; a pod that runs leaves its text only in the journal. */
const NO_JOURNAL: FailureEvidence = {
  agentError: 'CreateContainerError: failed to create containerd task: failed to get decrypt key missing private key needed for decryption\n',
  journal: { available: false, text: '', note: 'no kata journal: the node has no systemd' },
};
const failedPod = { reason: 'CreateContainerError', message: 'failed to create containerd task', pod: { metadata: { name: 'p' } } } as unknown as PodFailure;
const question = { expected: { surfaces: 'agent-error' as const, fragments: ['failed to get decrypt key'] }, supported: true, claimNote: '', failure: failedPod };

test('a failed pod with no journal is still judged on its status and events', () => {
  expect(judgeFailureText(question, NO_JOURNAL)).toEqual({
    checked: true, channel: 'agent-error', fragments: ['failed to get decrypt key'], missing: [],
    found: [{ fragment: 'failed to get decrypt key', foundIn: ['agent-error'] }],
    where: 'the pod status or its events (agent-error)',
  });
  expect(judgeFailureText({ ...question, expected: { surfaces: 'agent-error', fragments: ['failed to get decrypt key', 'not in the text'] } }, NO_JOURNAL))
    .toMatchObject({ checked: true, missing: ['not in the text'] });
});

test('a pod that runs, with no journal, is not judged: there is nothing to read', () => {
  const runs = { ...NO_JOURNAL, agentError: '' };
  expect(judgeFailureText({ ...question, failure: undefined }, runs)).toEqual({ checked: false, note: 'not checked: the pod runs and has no events, so no agent error reached them' });
  expect(judgeFailureText({ ...question, failure: undefined, expected: { surfaces: 'guest-log', fragments: ['x'] } }, runs))
    .toEqual({ checked: false, note: 'not checked: a guest-log text needs the kata journal; no kata journal: the node has no systemd' });
});
