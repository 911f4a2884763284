import { conformance, test } from '../fixtures/conformance-test.ts';

// kata 3.17.0 tests/integration/kubernetes/k8s-initdata.bats (CoCo 0.14; later releases test init-data in the
// "(with initdata)" variants of the signature and authenticated-registry bats). Where init-data works, the guest learns
// where KBS is only from it, fetches the image policy and rejects the image; without it the pod cannot start. On runc
// nothing reads init-data and nothing verifies the image, so it runs.

test(...conformance('init-data/kbs-from-init-data', async (c) => {
  await c.setup();
  const failure = await test.step('act: the image policy from KBS rejects the image', () =>
    c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));

test(...conformance('init-data/no-kbs-without-init-data', async (c) => {
  await c.setup();
  // kata 3.17.0 fetches the policy in the agent's CreateSandbox, so there the sandbox fails (expect.failsAt).
  const failure = await test.step('act: without init-data the guest cannot fetch its image policy', () =>
    c.plan.expect.failsAt === 'sandbox' ? c.waitFor.sandboxFailed(c.namespace, c.plan.pod) : c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));
