import { expect, test } from '@playwright/test';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSuiteEnvironment } from '../../../../lib/suite-environment.ts';
import { loadAdminPrivateKey } from '../../../../lib/kbs/admin-key-pair.ts';
import { catalogTest, type PlatformId } from '../../../../matrix/index.ts';

/** TEST DOUBLE of the conformance suites, for the pipeline's self-tests (test/pipeline/support/scripted-run.ts):
 *  four catalog tests of attestation and sealed-secrets that need no cluster. They carry the annotations the real
 *  suites carry (fixtures/conformance-test.ts) and behave as the real ones do on the control platform — a positive
 *  test fails in its signature's step, a negative one passes — so the real reporters record them as they would the
 *  real thing: their expected outcomes are the pipeline's, read from the suite environment as the real fixtures read
 *  them (fixtures/conformance-test.ts), pull mode and all. With COCO_TEST_DOUBLE_SUITE=hang the third test marks
 *  itself waiting and never ends, so a signal test can interrupt the run mid-suite. Events go to $COCO_TEST_MARKER_DIR/events.log. */
const env = loadSuiteEnvironment();
const platform = (env.cell?.platform ?? 'control') as PlatformId;

function mark(event: string): void {
  appendFileSync(join(process.env.COCO_TEST_MARKER_DIR!, 'events.log'), `${event}\n`);
}

function doubleTest(id: string, body: () => Promise<void>): void {
  const entry = catalogTest(id);
  test(`${entry.id}: ${entry.title}`, {
    tag: [`@${entry.feature}`, `@${entry.variant}`],
    annotation: [
      { type: 'test-id', description: entry.id },
      { type: 'feature', description: entry.feature },
      { type: 'variant', description: entry.variant },
    ],
  }, async ({}, testInfo) => {
    const expected = env.expected[platform]?.[entry.id];
    if (!expected) throw new Error(`${entry.id} on ${platform}: the suite environment gives no expected outcome`);
    testInfo.annotations.push({ type: 'expected', description: JSON.stringify(expected) });
    test.skip(expected.expect === 'skip', expected.reason);
    test.fail(expected.expect === 'fail', expected.reason);
    await body();
  });
}

doubleTest('attestation/resource-released-allow-all', async () => {
  await test.step('assert: the log holds the resource value', () => {
    expect('', 'GET /kbs/v0/resource/default/double/key should return the KBS resource').toContain('the resource value');
  });
});

doubleTest('attestation/resource-withheld-deny-all', async () => {
  // The admin key is where the suite environment says and reads as the Ed25519 key (which registers it as a secret).
  expect(loadAdminPrivateKey(env.kbs.adminKeyFile!).asymmetricKeyType).toBe('ed25519');
  mark(`suite-secrets-file ${process.env.COCO_SECRETS_FILE}`);
  mark(`suite-coco-variables ${Object.keys(process.env).filter((name) => name.startsWith('COCO_')).sort().join(' ')}`);
});

doubleTest('sealed-secret/unsealed-with-resource', async () => {
  if (process.env.COCO_TEST_DOUBLE_SUITE === 'hang') {
    mark('suite-waiting');
    await new Promise(() => {}); // until the run is stopped
  }
  await test.step('assert: the guest unsealed the secret', () => {
    throw new Error('PROTECTED_SECRET = sealed.double: no confidential-data-hub unsealed the value');
  });
});

doubleTest('sealed-secret/stays-sealed-without-resource', async () => {
  expect('PROTECTED_SECRET = sealed.double').toContain('sealed.');
});
