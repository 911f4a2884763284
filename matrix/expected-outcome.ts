import type { FailureSignature } from './test-catalog.ts';
import type { ClaimStatus } from './vocabulary.ts';

/** What a test is expected to do in a cell, derived from the release claim × test variant — never written per test.
 *  - pass: the test must pass.
 *  - fail: a known limitation; Playwright `test.fail`, so a limitation that starts passing is flagged. `signature`
 *    says where and how it must fail: failing anywhere else is `failed-wrong-reason`.
 *  - skip: not applicable here; `reason` says why.
 *  `nonDiscriminating` marks a pass expected even where the release claims nothing (it cannot tell a confidential
 *  runtime from runc); reports list such tests instead of hiding them. `notTestedUpstream` carries the claim's reason
 *  where upstream's CI does not exercise it (claims.<f>.<p>.notTestedUpstream): the test still runs; plan and report
 *  say so. */
export type ExpectedOutcome =
  | { expect: 'pass'; claim: ClaimStatus; reason?: string; nonDiscriminating?: string; notTestedUpstream?: string }
  | { expect: 'fail'; claim: ClaimStatus; reason: string; issue?: string; signature?: FailureSignature; notTestedUpstream?: string }
  | { expect: 'skip'; claim: ClaimStatus; reason: string };
