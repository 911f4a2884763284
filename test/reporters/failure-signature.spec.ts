import { test, expect } from '@playwright/test';
import type { TestResult, TestStep } from '@playwright/test/reporter';
import type { ExpectedOutcome } from '../../matrix/expected-outcome.ts';
import { checkFailureSignature } from '../../reporters/test-outcome.ts';

/** An expected failure holds only where and how its signature says; each rule here has a test that fails without it. */
const EXPECTED: ExpectedOutcome = {
  expect: 'fail', claim: 'limitation', reason: 'SEV(-ES) does not support attestation',
  signature: { step: 'assert: the resource is released', pattern: 'failed to get resource', because: 'the guest cannot attest' },
};

/** An attempt that failed in `step` (a top-level test.step), or in the test body when `step` is undefined. */
function attemptFailingIn(step: string | undefined): TestResult {
  const steps = [
    { title: 'setup: the pod starts', category: 'test.step', steps: [] },
    ...(step ? [{ title: step, category: 'test.step', error: { message: 'x' }, steps: [] }] : []),
  ] as unknown as TestStep[];
  return { steps } as unknown as TestResult;
}

test('the right step and a matching error: the expected failure holds', () => {
  const check = checkFailureSignature(EXPECTED, attemptFailingIn('assert: the resource is released'), 'Error: failed to get resource kbs:///default/key/1\n  at x');
  expect(check).toMatchObject({ matched: true, failedStep: 'assert: the resource is released', error: 'Error: failed to get resource kbs:///default/key/1' });
});

test('a matching error in the wrong step is the wrong reason', () => {
  const wrongStep = checkFailureSignature(EXPECTED, attemptFailingIn('setup: the pod starts'), 'Error: failed to get resource kbs:///default/key/1');
  expect(wrongStep).toMatchObject({ matched: false, step: 'assert: the resource is released', failedStep: 'setup: the pod starts' });
  const body = checkFailureSignature(EXPECTED, attemptFailingIn(undefined), 'Error: failed to get resource kbs:///default/key/1');
  expect(body).toMatchObject({ matched: false, failedStep: '(test body)' });
});

test('the right step with another error is the wrong reason', () => {
  expect(checkFailureSignature(EXPECTED, attemptFailingIn('assert: the resource is released'), 'TypeError: undefined is not a function').matched).toBe(false);
});

test('a signature pattern matches whatever the letter case of the error', () => {
  const shouting = checkFailureSignature(EXPECTED, attemptFailingIn('assert: the resource is released'), 'Error: FAILED TO GET RESOURCE kbs:///default/key/1');
  expect(shouting).toMatchObject({ matched: true, error: 'Error: FAILED TO GET RESOURCE kbs:///default/key/1' });
  const upperPattern: ExpectedOutcome = { ...EXPECTED, signature: { ...EXPECTED.signature!, pattern: 'Failed To Get Resource' } };
  expect(checkFailureSignature(upperPattern, attemptFailingIn('assert: the resource is released'), 'failed to get resource').matched).toBe(true);
});

test('an expectation without a signature never matches', () => {
  const { signature: _, ...unsigned } = EXPECTED as Extract<ExpectedOutcome, { expect: 'fail' }>;
  expect(checkFailureSignature(unsigned, attemptFailingIn('assert: the resource is released'), 'failed to get resource').matched).toBe(false);
});
