import { expect, test } from '@playwright/test';
import { FEATURES } from '../../matrix/index.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { writeRecordAtomically } from '../../reporters/record-writer.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord, type TestRecord } from '../../reporters/result-record.ts';
import { failedSelection } from '../../harness/pipeline/rerun-failed.ts';
import { parseRunArguments } from '../../harness/cli/run-arguments.ts';
import { suiteGrep } from '../../harness/pipeline/suite-run.ts';
import { Progress } from '../../harness/pipeline/progress.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('rerun-and-arguments');

const cell = (id: string, suites: Cell['suites'] = ['attestation', 'sealed-secrets']): Cell => ({
  id, runner: 'r1', release: 'v0.9.0', platform: 'snp', arch: 'x86_64', cluster: { distro: 'kind', kubernetes: '1.30' },
  containerRuntime: 'containerd', pullMode: 'nydus', suites, required: true,
});

function testRecord(id: string, outcome: TestRecord['outcome']): TestRecord {
  return { id, feature: 'attestation', variant: 'positive', title: id, project: 'snp', expected: { expect: 'pass', claim: 'supported' },
    outcome, durationMs: 1, retries: 0, artifacts: [], startedAt: '2026-01-01T00:00:00Z' };
}

function record(c: Cell, status: ResultRecord['status'], tests: TestRecord[], startedAt = '2026-01-01T00:00:00Z'): ResultRecord {
  return { schemaVersion: RESULT_RECORD_SCHEMA_VERSION, runId: startedAt, runner: c.runner, cell: c, release: c.release, environment: {},
    doubles: [], startedAt, endedAt: startedAt, status, tests };
}

test('--rerun-failed: failed and unexpectedly passing tests, whole interrupted cells; the newest record per cell decides', () => {
  const dir = scratch('records');
  mkdirSync(dir, { recursive: true });
  const a = cell('v0.9.0/snp/kind-1.30/containerd/nydus');
  const b = cell('v0.9.0/snp/kind-1.30/containerd/host');
  const c = cell('v0.9.0/tdx/kind-1.30/containerd/nydus');
  const d = cell('v0.9.0/sev/kind-1.30/containerd/nydus');
  writeRecordAtomically(join(dir, 'a.json'), record(a, 'complete', [
    testRecord('attestation/resource-released-allow-all', 'failed'),
    testRecord('attestation/resource-withheld-deny-all', 'passed'),
    testRecord('sealed-secret/unsealed-with-resource', 'unexpected-pass'),
    testRecord('sealed-secret/stays-sealed-without-resource', 'flaky'),
  ]));
  writeRecordAtomically(join(dir, 'b.json'), record(b, 'interrupted', [testRecord('attestation/resource-withheld-deny-all', 'passed')]));
  writeRecordAtomically(join(dir, 'c-old.json'), record(c, 'complete', [testRecord('attestation/resource-released-allow-all', 'failed')]));
  writeRecordAtomically(join(dir, 'c-new.json'), record(c, 'complete', [testRecord('attestation/resource-released-allow-all', 'passed')], '2026-01-02T00:00:00Z'));
  writeRecordAtomically(join(dir, 'd.json'), record(d, 'infra-error', [testRecord('attestation/resource-released-allow-all', 'infra-error')]));

  const selection = failedSelection([dir]);
  expect(selection.cells.map((x) => x.id).sort()).toEqual([a.id, b.id, d.id].sort());
  expect(selection.testIds.get(a.id)).toEqual(['attestation/resource-released-allow-all', 'sealed-secret/unsealed-with-resource']);
  expect(selection.testIds.has(b.id)).toBe(false); // interrupted: the whole cell again
  expect(selection.testIds.get(d.id)).toEqual(['attestation/resource-released-allow-all']);
  expect(suiteGrep(a, selection.testIds.get(a.id))).toBe('attestation/resource-released-allow-all:|sealed-secret/unsealed-with-resource:');
});

test('suite filters become a feature-tag --grep; all suites need none', () => {
  expect(suiteGrep(cell('x', ['attestation', 'sealed-secrets']))).toBe('@attestation\\b|@sealed-secrets\\b');
  expect(suiteGrep(cell('x', [...FEATURES]))).toBeUndefined();
});

test('run arguments: every flag, and one-line problems', () => {
  expect(parseRunArguments(['--matrix', 'm.yaml', '--runner', 'r', '--cell', 'c', '--suite', 'attestation', 'sealed-secrets,guest-pull',
    '--out', 'o', '--kubeconfig', 'k', '--context', 'ctx', '--keep-cluster', '--dry-run', '--kbs-url', 'http://127.0.0.1:8080', '--kbs-admin-key', 'key'])).toEqual({
    matrix: 'm.yaml', filter: { runner: 'r', cell: 'c', suites: ['attestation', 'sealed-secrets', 'guest-pull'] }, out: 'o', kubeconfig: 'k',
    context: 'ctx', keepCluster: true, dryRun: true, kbsUrl: 'http://127.0.0.1:8080', kbsAdminKey: 'key', verbose: false,
  });
  expect(parseRunArguments(['--rerun-failed', 'a.json', 'dir/'])).toMatchObject({ rerunFailed: ['a.json', 'dir/'], out: 'results' });
  expect(() => parseRunArguments(['--kbs-url', 'http://x'])).toThrow('--kbs-url and --kbs-admin-key go together');
  expect(() => parseRunArguments(['--matrix'])).toThrow('--matrix needs a value');
  expect(() => parseRunArguments(['--matirx', 'm.yaml'])).toThrow('unknown flag --matirx; did you mean --matrix?');
  expect(() => parseRunArguments(['--suite', 'nosuch'])).toThrow('--suite: unknown value "nosuch"');
  expect(() => parseRunArguments(['--rerun-failed', 'a.json', '--cell', 'c'])).toThrow(/does not combine/);
  expect(parseRunArguments(['--matrix=matrix/local.yaml', '--out=/tmp/x'])).toMatchObject({ matrix: 'matrix/local.yaml', out: '/tmp/x' });
});

test('progress: one line per step with elapsed time, plain when CI', async () => {
  const lines: string[] = [];
  const progress = new Progress((text) => lines.push(text), false);
  await progress.step('v0.9.0/control/kubeadm-1.30/containerd/host', 'install', async () => 'ok');
  await expect(progress.step('v0.9.0/control/kubeadm-1.30/containerd/host', 'kbs', async () => {
    throw new Error('failed to deploy KBS: boom\nmore detail');
  })).rejects.toThrow('boom');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^\[cell v0\.9\.0\/control\/kubeadm-1\.30\/containerd\/host\] install ✓ \d+\.\ds\n$/);
  expect(lines[1]).toMatch(/^\[cell v0\.9\.0\/control\/kubeadm-1\.30\/containerd\/host\] kbs ✗ \d+\.\ds: failed to deploy KBS: boom\n$/);
});

test('progress: a finished test\'s line appears under its step as it is reported; on a terminal the live line carries on below it', async () => {
  const cellId = 'v0.9.0/control/kubeadm-1.30/containerd/host';
  const plain: string[] = [];
  const plainProgress = new Progress((text) => plain.push(text), false);
  await plainProgress.step(cellId, 'suites', async () => plainProgress.detail('passed           attestation/resource-withheld-deny-all  control  3.2 s'));
  expect(plain).toEqual(['  passed           attestation/resource-withheld-deny-all  control  3.2 s\n', expect.stringMatching(/^\[cell [^\]]+\] suites ✓ \d+\.\ds\n$/)]);
  expect(plain.join('')).not.toContain('\x1b');

  const live: string[] = [];
  const liveProgress = new Progress((text) => live.push(text), true);
  await liveProgress.step(cellId, 'suites', async () => liveProgress.detail('passed           x  control  1 ms'));
  // Started, then: clear the live line, print the test line, redraw the live line; at the end clear it for the ✓.
  expect(live[0]).toMatch(/^\[cell [^\]]+\] suites … \d+\.\ds$/);
  expect(live[1]).toMatch(/^\r\x1b\[2K  passed {11}x {2}control {2}1 ms\n\[cell [^\]]+\] suites … \d+\.\ds$/);
  expect(live.slice(2)).toEqual(['\r\x1b[2K', expect.stringMatching(/^\[cell [^\]]+\] suites ✓ \d+\.\ds\n$/)]);
});
