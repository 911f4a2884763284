import { conformance, test } from '../fixtures/conformance-test.ts';

// k8s-sealed-secret.bats (environment variables; kata 3.7.0). On runc the variable holds the sealed text itself.

test(...conformance('sealed-secret/unsealed-with-resource', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod starts');
  await test.step('assert: the guest unsealed the secret', () => {
    c.expectLog(log, c.plan.expect.unsealedLine, 'holds', 'the unsealed value');
  });
}));

test(...conformance('sealed-secret/stays-sealed-without-resource', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod still starts');
  await test.step('assert: the plain secret arrives, the sealed one stays sealed', () => {
    c.expectLog(log, c.plan.expect.unprotectedLine, 'holds', 'the plain secret');
    c.expectLog(log, c.plan.expect.unsealedLine, 'lacks', 'the unsealed value');
  });
  // No failure text: kata 3.7.0 k8s-sealed-secret.bats checks none. The agent's "Failed to unseal secret" warning
  // reaches the host only with hypervisor debug on (the operator's default overlay has debug: false), and the
  // confidential-data-hub itself says "Unseal Secret failed". The outcome above is the test.
}));

// k8s-sealed-secret.bats "Unseal File Secrets with CDH" (kata 3.11.0+): the sealed secret mounted as a volume. v0.9.0
// and v0.10.0 list "Sealed secrets only supports secrets in environment variables.", so it is expected to fail there.
test(...conformance('sealed-secret/unsealed-as-file', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod starts');
  await test.step('assert: the guest unsealed the secret file', () => {
    c.expectLog(log, c.plan.expect.unsealedLine, 'holds', 'the unsealed value from the mounted secret file');
  });
}));
