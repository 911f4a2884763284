import { conformance, test } from '../fixtures/conformance-test.ts';
import { encryptionProblems, viewBlockDevice } from '../lib/node-shell/index.ts';

// kata 3.9.0 k8s-guest-pull-image.bats "Test we can pull an image inside the guest using trusted storage": a loop device
// on the node, a local Block PersistentVolume on it, and a pod whose container gets the claim at /dev/trusted_store —
// the path that makes the kata agent have the confidential-data-hub LUKS-format the device and mount it as the guest's
// image store. Upstream only sees the pod run; the harness then reads the device on the node: it must show the guest's
// encryption as the release does it (a LUKS2 header on the device, or none — the header in the guest's memory) and
// hold none of the image in plain text. On runc the container is simply handed the loop device: it stays zeros.

test(...conformance('trusted-image-storage/image-store-encrypted', async (c) => {
  const { expect: facts } = c.plan;
  await c.setup();
  await test.step('act: the pod pulls its image into the block device and becomes Ready', () =>
    c.waitFor.podReady(c.namespace, c.plan.pod));
  const view = await test.step('act: read the block device on the node', () =>
    viewBlockDevice(c.nodeShell, facts.loopFile!, facts.plaintextNeedle!));
  test.info().annotations.push({ type: 'host-view', description: `${facts.loopFile}: first bytes ${view.head}, ext4 magic ${view.ext4Magic}` });
  await test.step('assert: the guest encrypted the block device the host sees', () => {
    const problems = encryptionProblems(view, {
      luksHeader: facts.luksHeader as 'on-device' | 'in-guest-memory', cipher: facts.cipher!,
      ...(facts.integrity ? { integrity: facts.integrity } : {}),
    });
    if (problems.length) throw new Error(`the block device the guest got as ${facts.devicePath} ${problems.join('; ')}`);
  });
  await test.step("assert: the device holds none of the image in plain text", () => {
    if (view.holdsNeedle) {
      throw new Error(`the block device holds the image's plain text ("${facts.plaintextNeedle}"): the guest's image store at ${facts.guestMountPoint} is readable by the host`);
    }
  });
}));
