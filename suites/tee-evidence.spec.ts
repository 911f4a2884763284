import { conformance, expect, test } from '../fixtures/conformance-test.ts';

// k8s-confidential.bats: the guest must show its TEE. On runc the command sees the host, which is no TEE guest.

test(...conformance('tee-evidence/guest-is-tee', async (c) => {
  await c.setup();
  await test.step('act: the pod starts', () => c.waitFor.podReady(c.namespace, c.plan.pod));
  const log = await c.doneLog();
  await test.step('assert: the guest shows its TEE evidence', () => {
    const { pattern, failureText } = c.plan.expect;
    if (!pattern) throw new Error(`${failureText} (release ${c.profile.release} has no TEE evidence check for ${c.platform})`);
    expect(new RegExp(pattern, 'm').test(log), `${failureText} (expected /${pattern}/ in: ${log.trim().slice(-400)})`).toBe(true);
  });
}));
