import { conformance, expect, test } from '../fixtures/conformance-test.ts';

// The kata agent's policy: kata 3.9.0 k8s-policy-hard-coded.bats "Kubectl exec rejected by policy" and kata 3.11.0
// k8s-policy-pod.bats (genpolicy-generated policies, CoCo CI from 3.11.0). The agent refuses a request with a ttrpc
// error "<Request> is blocked by policy" (kata src/agent/src/policy.rs); the shim hands it to containerd and the
// kubelet, so a refused CreateContainerRequest shows in the pod's events and a refused ExecProcessRequest in the exec's
// answer — where the bats look for it. Refusal is the protection itself: on runc nothing refuses, so these tests are
// expected to fail at their act step there. Generated policies need the runner's genpolicy (COCO_GENPOLICY).

test(...conformance('agent-policy/exec-refused', async (c) => {
  await c.setup();
  await test.step('act: the pod starts under a policy that refuses exec', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const command = [c.plan.expect.execCommand ?? 'date'];
  const refusal = await test.step('act: the agent policy refuses the exec', async () => {
    const answer = await c.cluster.exec(c.namespace, c.plan.pod, c.plan.expect.container ?? '', command);
    if (!answer.refusal) {
      throw new Error(`exec was not refused: \`${command.join(' ')}\` ${answer.succeeded ? 'ran' : 'failed in the container'} ` +
        `and printed ${JSON.stringify((answer.stdout + answer.stderr).trim().slice(0, 200))}`);
    }
    return answer.refusal;
  });
  await test.step("assert: the refusal is the agent's", () => {
    if (!c.supported) {
      test.info().annotations.push({ type: 'failure-text', description: `not checked: the release does not claim agent-policy on ${c.platform}` });
      return;
    }
    for (const fragment of c.plan.failureText?.fragments ?? []) expect(refusal, 'the answer to the refused exec').toContain(fragment);
  });
}));

test(...conformance('agent-policy/generated-policy-runs', async (c) => {
  await c.setup();
  await test.step('assert: the pod runs under its generated policy', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));

for (const id of [
  'agent-policy/refused-container-image', 'agent-policy/refused-privileged', 'agent-policy/refused-termination-message-path',
  'agent-policy/refused-host-path-mount', 'agent-policy/refused-config-map', 'agent-policy/refused-post-start-command',
  'agent-policy/refused-uid-0', 'agent-policy/refused-uid-1234',
]) {
  test(...conformance(id, async (c) => {
    await c.setup();
    const failure = await test.step('act: the agent policy refuses the changed pod', () => c.waitFor.podFailed(c.namespace, c.plan.pod));
    // "CreateContainerRequest is blocked by policy" in the pod's events (FailedPostStartHook for the postStart case).
    await c.expectFailureText(failure, c.plan.failureText);
  }));
}
