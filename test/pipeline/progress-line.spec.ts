import { expect, test } from '@playwright/test';
import { testLine } from '../../reporters/progress-line-reporter.ts';
import type { TestRecord } from '../../reporters/result-record.ts';

function record(outcome: TestRecord['outcome'], extra: Partial<TestRecord> = {}): TestRecord {
  return { id: 'encrypted-image/right-key-runs', feature: 'encrypted-images', variant: 'positive', title: 'encrypted-image/right-key-runs: …',
    project: 'snp', expected: { expect: 'pass', claim: 'supported' }, outcome, durationMs: 61_500, retries: 0, artifacts: [],
    startedAt: '2026-01-01T00:00:00Z', ...extra };
}

test('a test line names outcome, id, platform and duration, and what the outcome rests on', () => {
  expect(testLine(record('passed', { durationMs: 850 }))).toBe('passed           encrypted-image/right-key-runs  snp  850 ms');
  expect(testLine(record('failed', { error: 'pod never became Ready (ErrImagePull: failed to decrypt)\n\n  at wait-for.ts:12' })))
    .toBe('failed           encrypted-image/right-key-runs  snp  61.5 s  pod never became Ready (ErrImagePull: failed to decrypt)');
  expect(testLine(record('expected-failure', {
    error: 'Error: the pod decrypts its image…\nmore',
    failureSignature: { step: 'assert: the pod decrypts its image and becomes Ready', pattern: 'decrypt', failedStep: 'assert: the pod decrypts its image and becomes Ready', matched: true, error: 'its image cannot be pulled (ErrImagePull: failed to decrypt)' },
  }))).toBe('expected-failure encrypted-image/right-key-runs  snp  61.5 s  at "assert: the pod decrypts its image and becomes Ready": its image cannot be pulled (ErrImagePull: failed to decrypt)');
  expect(testLine(record('skipped', { durationMs: 0, skipReason: 'The v0.9.0 operator overlays do not create kata-qemu-coco-dev; it appears in v0.10.0.' })))
    .toBe('skipped          encrypted-image/right-key-runs  snp  0 ms  The v0.9.0 operator overlays do not create kata-qemu-coco-dev; it appears in v0.10.0.');
  expect(testLine(record('failed-wrong-reason', { error: 'failed for the wrong reason: expected to fail at "assert: x" with /decrypt/i, but failed at "(test body)": TypeError: y' })))
    .toBe('failed-wrong-reason encrypted-image/right-key-runs  snp  61.5 s  failed for the wrong reason: expected to fail at "assert: x" with /decrypt/i, but failed at "(test body)": TypeError: y');
});
