import { conformance, test } from '../fixtures/conformance-test.ts';

// kata 3.9.0 k8s-guest-pull-image-signature.bats. v0.9.0 lists signed images as a limitation and its agent ignores the
// verification parameters, so the rejection test is expected to fail there: the unsigned image simply runs. On runc
// too an unsigned image runs.

test(...conformance('signed-images/unsigned-image-rejected', async (c) => {
  await c.setup();
  const failure = await test.step('act: the image policy rejects the unsigned image', () =>
    c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  // Every fragment must be in the pod status, events or kata journal (kata 3.9.0 asserts two).
  await c.expectFailureText(failure, c.profile.guestComponents.signedImages?.failureTexts.unsignedImage);
}));

test(...conformance('signed-images/signed-image-runs', async (c) => {
  // Like upstream's tests that need credentials the runner may not have, this one needs a signed image and its key.
  test.skip(!c.ctx.signedImage, 'no cosign-signed image on this runner: set COCO_SIGNED_IMAGE and COCO_COSIGN_PUBLIC_KEY_FILE');
  await c.setup();
  await test.step('assert: the signed image runs', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));
