import { conformance, expect, test } from '../fixtures/conformance-test.ts';

// k8s-sealed-secret.bats (environment variables). On runc the variable holds the sealed text itself.

test(...conformance('sealed-secret/unsealed-with-resource', async (c) => {
  await c.setup();
  await test.step('act: the pod starts', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const log = await c.doneLog();
  await test.step('assert: the guest unsealed the secret', () => {
    expect(log).toContain(c.plan.expect.unsealedLine);
  });
}));

test(...conformance('sealed-secret/stays-sealed-without-resource', async (c) => {
  await c.setup();
  await test.step('act: the pod still starts', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const log = await c.doneLog();
  await test.step('assert: the plain secret arrives, the sealed one stays sealed', () => {
    expect(log).toContain(c.plan.expect.unprotectedLine);
    expect(log).not.toContain(c.plan.expect.unsealedLine);
  });
  // 3.7.0 only warns; the warning reaches the kata journal (kata-deploy DEBUG=true).
  await c.expectFailureText(undefined, c.profile.guestComponents.failureTexts.sealedSecretUnsealFailed);
}));
