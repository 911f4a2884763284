import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loadRelease } from '../../matrix/index.ts';
import { planCellTests } from '../../matrix/plan-cells.ts';
import { buildCompatibilityReport, validateResultRecord, writeInfraErrorRecord } from '../../reporters/index.ts';
import { registerSecret } from '../../lib/exec/redact.ts';
import { cell } from './sample-records.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('infra');

test('writeInfraErrorRecord: a complete, valid record, every test of the cell an infra-error, secrets redacted', async () => {
  registerSecret('registry-password-123456');
  const snpCell = { ...cell('snp', 'snp-01', ['attestation', 'encrypted-images']), release: 'v0.9.0', id: 'v0.9.0/snp/kubeadm-1.30/containerd/nydus' };
  const outFile = scratch('infra.json');
  writeInfraErrorRecord({
    outFile, runId: 'night-1', runner: 'snp-01', cell: snpCell, release: 'v0.9.0', planned: planCellTests(snpCell, loadRelease('v0.9.0')),
    step: 'install', error: new Error('operator pods not Running after 600s; pull secret registry-password-123456 rejected'),
  });
  const text = readFileSync(outFile, 'utf8');
  expect(text).not.toContain('registry-password-123456');
  const validation = validateResultRecord(JSON.parse(text));
  expect(validation.ok).toBe(true);
  if (!validation.ok) return;
  const record = validation.record;
  expect(record.status).toBe('infra-error');
  expect(record.infraError).toEqual({ step: 'install', message: 'operator pods not Running after 600s; pull secret [REDACTED] rejected' });
  expect(record.tests.map((t) => t.id)).toEqual([
    'attestation/resource-released-allow-all', 'attestation/resource-withheld-deny-all',
    'attestation/deleted-resource-gone', 'attestation/gpu-attested',
    'encrypted-image/no-key-fails', 'encrypted-image/right-key-runs', 'encrypted-image/wrong-key-fails',
    'encrypted-image/wrong-length-key-fails',
  ]);
  expect(new Set(record.tests.map((t) => t.outcome))).toEqual(new Set(['infra-error']));
  expect(record.tests[0]!.expected).toEqual({ expect: 'pass', claim: 'supported' });

  const report = buildCompatibilityReport({ records: [record], profile: loadRelease('v0.9.0'), generatedAt: 'fixed' });
  const states = report.grid.flat().filter((c) => c.platform === 'snp').map((c) => `${c.feature}:${c.state}`);
  expect(states).toContain('attestation:INFRA-FAIL');
  expect(states).toContain('encrypted-images:INFRA-FAIL');
  expect(report.signoff.verdict).toBe('INCONCLUSIVE');
});

test('writeInfraErrorRecord rejects a planned test id that is not in the catalog', async () => {
  expect(() => writeInfraErrorRecord({
    outFile: scratch('x.json'), runId: 'r', runner: 'r', cell: cell('tdx', 'r'), release: 'v9.9.9', step: 'provision', error: 'boom',
    planned: [{ id: 'no/such-test', feature: 'attestation', variant: 'positive', outcome: { expect: 'pass', claim: 'supported' } }],
  })).toThrow('unknown conformance test id "no/such-test" (not in matrix/test-catalog.ts)');
});
