import { conformance, test, type Conformance } from '../fixtures/conformance-test.ts';

// kata 3.9.0 k8s-guest-pull-image-signature.bats, its five cases (:79-146); the rejection texts are the profile's
// (guestComponents.signedImages.failureTexts, kata 3.9.0 :100 and :126; later releases changed them). v0.9.0 lists
// signed images as a limitation and its agent ignores the verification parameters, so the rejections are expected to
// fail there: the image simply runs. On runc too every image runs.

/** Upstream's images are on ghcr.io; a runner that cannot pull them gives its own signed image and key. */
function needsSignedImage(c: Conformance): void {
  test.skip(!c.ctx.signedImage, 'no cosign-signed image on this runner: set COCO_SIGNED_IMAGE and COCO_COSIGN_PUBLIC_KEY_FILE');
}

test(...conformance('signed-images/unsigned-accept-anything-runs', async (c) => {
  await c.setup();
  await test.step('assert: the unsigned image the policy accepts runs', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));

test(...conformance('signed-images/unsigned-image-rejected', async (c) => {
  await c.setup();
  const failure = await test.step('act: the image policy rejects the unsigned image', () =>
    c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  // Every fragment must be where the profile says it surfaces: the pod status and events, or the kata journal.
  await c.expectFailureText(failure, c.plan.failureText);
}));

test(...conformance('signed-images/signed-image-runs', async (c) => {
  needsSignedImage(c);
  await c.setup();
  await test.step('assert: the signed image runs', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));

test(...conformance('signed-images/wrong-key-rejected', async (c) => {
  needsSignedImage(c);
  await c.setup();
  const failure = await test.step('act: the image policy rejects the image signed with another key', () =>
    c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));

test(...conformance('signed-images/no-policy-runs', async (c) => {
  await c.setup();
  await test.step('assert: without a policy file the unsigned image runs', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));
