import { conformance, test } from '../fixtures/conformance-test.ts';

// k8s-confidential-attestation.bats. On runc nothing answers on 127.0.0.1:8006, so no resource can reach the pod.

test(...conformance('attestation/resource-released-allow-all', async (c) => {
  await c.setup();
  await test.step('act: the pod starts', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const log = await c.doneLog();
  await test.step('assert: the log holds the resource value', () => {
    c.expectLog(log, c.plan.expect.resourceValue, 'holds', `(GET ${c.plan.expect.endpoint} should return the KBS resource)`);
  });
}));

test(...conformance('attestation/resource-withheld-deny-all', async (c) => {
  await c.setup();
  await test.step('act: the pod still starts', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const log = await c.doneLog();
  await test.step('assert: the log lacks the resource value', () => {
    c.expectLog(log, c.plan.expect.resourceValue, 'lacks', `(GET ${c.plan.expect.endpoint} must not return a withheld resource)`);
  });
}));
