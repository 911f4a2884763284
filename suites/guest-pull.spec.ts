import { conformance, expect, test } from '../fixtures/conformance-test.ts';
import { podSandboxId, sandboxRootfs } from '../lib/node-shell/index.ts';

// k8s-guest-pull-image.bats and k8s-shared-volume.bats "initContainer with shared volume".

test(...conformance('guest-pull/not-unpacked-on-host', async (c) => {
  await c.setup(); // a runc pod of the same image first, so the host has it, then the kata pod
  await test.step('act: the kata pod starts', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const rootfs = await test.step('act: look at the sandbox on the node', async () =>
    sandboxRootfs(c.nodeShell, await podSandboxId(c.nodeShell, c.namespace, c.plan.pod)));
  await test.step('assert: a kata sandbox with at most the pause rootfs', () => {
    // runc makes no kata sandbox directory: its absence fails the test instead of counting zero rootfs.
    expect(rootfs.exists, `${rootfs.dir} must exist (the pod must run in a kata sandbox)`).toBe(true);
    expect(rootfs.rootfsDirs.length, `rootfs directories on the host under ${rootfs.dir}: ${rootfs.rootfsDirs.join(', ')}`)
      .toBeLessThanOrEqual(Number(c.plan.expect.maxRootfs));
  });
}));

test(...conformance('guest-pull/init-container-shared-volume', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the init container runs, then the main container');
  await test.step('assert: the main container read the init container\'s timestamp', () => {
    expect(log).toContain(c.plan.expect.okText);
  });
}));
