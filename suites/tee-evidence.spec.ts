import { conformance, expect, test } from '../fixtures/conformance-test.ts';
import { attachRedacted } from '../fixtures/artifacts/index.ts';
import { teeEvidenceVerdict } from '../lib/manifests/index.ts';

// k8s-confidential.bats: the guest must show its TEE. The pod runs every probe of the platform; on a TEE platform its
// own probe must match. The control carries every TEE platform's probe: on runc each sees the host, which is no TEE
// guest, so none matches and the test fails — as the control must.

test(...conformance('tee-evidence/guest-is-tee', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod starts');
  await test.step('assert: the guest shows its TEE evidence', async () => {
    const verdict = teeEvidenceVerdict(c.ctx, log);
    await attachRedacted(test.info(), { name: 'tee-evidence-probes.txt', body: verdict.report.join('\n'), contentType: 'text/plain' });
    expect(verdict.ok, verdict.message).toBe(true);
  });
}));
