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
  // No failure text: kata 3.7.0 k8s-sealed-secret.bats checks none. The agent's "Failed to unseal secret" warning
  // reaches the host only with hypervisor debug on (the operator's default overlay has debug: false), and the
  // confidential-data-hub itself says "Unseal Secret failed". The outcome above is the test.
}));
