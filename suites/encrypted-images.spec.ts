import { conformance, test } from '../fixtures/conformance-test.ts';

// k8s-guest-pull-image-encrypted.bats. With upstream's image all four share the fixed key path
// default/key/ssh-demo, so the tests keep catalog order (no-key before right-key) in one worker; self-built images
// are encrypted per test with a unique kid and need no order. On runc the host cannot decrypt the layer.

test(...conformance('encrypted-image/no-key-fails', async (c) => {
  await c.setup();
  const failure = await test.step('act: the image cannot be decrypted', () => c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));

test(...conformance('encrypted-image/right-key-runs', async (c) => {
  await c.setup();
  await test.step('assert: the pod decrypts its image and becomes Ready', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));

test(...conformance('encrypted-image/wrong-key-fails', async (c) => {
  await c.setup();
  const failure = await test.step('act: the image cannot be decrypted', () => c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));

// Upstream's own wrong key (anVua19rZXk=) decodes to 8 bytes: the guest rejects it on length before any decryption.
test(...conformance('encrypted-image/wrong-length-key-fails', async (c) => {
  await c.setup();
  const failure = await test.step('act: the image cannot be decrypted', () => c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));
