import { MISSING_REGISTRY_CREDENTIALS } from '../lib/cluster/index.ts';
import { conformance, test, type Conformance } from '../fixtures/conformance-test.ts';

// k8s-guest-pull-image-authenticated.bats, plus the release's limitation "credentials are exposed to the host".

function needCredentials(c: Conformance): void {
  if (!c.ctx.registryCredentials) throw new Error(MISSING_REGISTRY_CREDENTIALS);
}

test(...conformance('authenticated-registry/right-credentials-run', async (c) => {
  needCredentials(c);
  await c.setup();
  await test.step('assert: the pod pulls its image and becomes Ready', () => c.waitFor.podReady(c.namespace, c.plan.pod));
}));

test(...conformance('authenticated-registry/wrong-credentials-fail', async (c) => {
  needCredentials(c);
  await c.setup();
  const failure = await test.step('act: the pull is refused', () => c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));

test(...conformance('authenticated-registry/no-credentials-fail', async (c) => {
  needCredentials(c);
  await c.setup();
  const failure = await test.step('act: the pull is refused', () => c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
  await c.expectFailureText(failure, c.plan.failureText);
}));

// Passes while the limitation holds: with the right credentials in KBS only, the host cannot fetch the manifest.
// A release that stops exposing credentials to the host makes this pod run, and the test tells.
test(...conformance('authenticated-registry/credentials-exposed-to-host', async (c) => {
  needCredentials(c);
  await c.setup();
  await test.step('assert: without a host imagePullSecret the image is not pulled', () =>
    c.waitFor.imagePullFailed(c.namespace, c.plan.pod));
}));
