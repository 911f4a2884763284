import { conformance, test } from '../fixtures/conformance-test.ts';

// k8s-confidential-attestation.bats. On runc nothing answers on 127.0.0.1:8006, so no resource can reach the pod.

test(...conformance('attestation/resource-released-allow-all', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod starts');
  await test.step('assert: the log holds the resource value', () => {
    c.expectLog(log, c.plan.expect.resourceValue, 'holds', `(GET ${c.plan.expect.endpoint} should return the KBS resource)`);
  });
}));

test(...conformance('attestation/resource-withheld-deny-all', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod still starts');
  await test.step('assert: the log lacks the resource value', () => {
    c.expectLog(log, c.plan.expect.resourceValue, 'lacks', `(GET ${c.plan.expect.endpoint} must not return a withheld resource)`);
  });
}));

// No upstream test deletes a resource (kata 3.31.0); trustee v0.20.0 (CoCo 0.21) answers DELETE /resource/… . The
// KBS steps set the resource and delete it again before the pod asks: the guest must not get it.
test(...conformance('attestation/deleted-resource-gone', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod still starts');
  await test.step('assert: the log lacks the deleted resource value', () => {
    c.expectLog(log, c.plan.expect.resourceValue, 'lacks', `(GET ${c.plan.expect.endpoint} must not return a deleted resource)`);
  });
}));

// kata 3.25.0 k8s-confidential-attestation.bats "Get CDH resource" on confidential GPU hardware (:67-95).
test(...conformance('attestation/gpu-attested', async (c) => {
  test.skip(!c.profile.testImages.gpu, `release ${c.profile.release} names no GPU test image (testImages.gpu)`);
  await c.setup();
  const log = await c.readyThenLog('act: the pod starts');
  await test.step('assert: the log holds the resource value', () => {
    c.expectLog(log, c.plan.expect.resourceValue, 'holds', `(GET ${c.plan.expect.endpoint} should return the KBS resource)`);
  });
  await test.step('assert: the GPU is in its confidential-compute ready state', () => {
    // `nvidia-smi conf-compute -grs` prints "Confidential Compute GPUs Ready state: ready" (upstream greps it, -i).
    c.expectLog(log.toLowerCase().replace(/ready state:\s*/g, 'ready state: '), 'confidential compute gpus ready state: ready', 'holds',
      'the GPU ready state (Confidential Compute GPUs Ready state: ready)');
  });
}));
