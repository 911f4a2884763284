import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectedOutcome, loadRelease } from '../../matrix/index.ts';
import { TEST_CATALOG } from '../../matrix/test-catalog.ts';
import { loadResultRecords } from '../../reporters/index.ts';
import type { ResultRecord } from '../../reporters/result-record.ts';

/** The embedded default, for real: `coco-conformance run` with no matrix and no kubeconfig brings up the local
 *  kubeadm cluster from the offline bundle, runs every suite on the control platform (runc), tears everything
 *  down; then report and signoff read the records. On control the release claims nothing, so each positive
 *  confidential test must be an expected failure and each negative test must pass. */
const repo = resolve(import.meta.dirname, '../..');
const out = join(repo, 'results', 'e2e');
const cli = join(repo, 'bin', 'coco-conformance.mjs');
const profile = loadRelease('v0.9.0');

function coco(args: string[], timeoutMs: number) {
  const child = spawnSync(process.execPath, [cli, ...args], {
    cwd: repo, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024,
  });
  return { status: child.status, stdout: child.stdout ?? '', stderr: child.stderr ?? '' };
}

/** Tests that need an input this machine cannot make (no cosign here): they must skip and say what is missing. */
const MISSING_RUNNER_INPUT: Record<string, RegExp> = {
  'signed-images/signed-image-runs': /COCO_SIGNED_IMAGE/,
};

test.describe.configure({ mode: 'serial' });

let records: ResultRecord[] = [];

test('the control run brings up a cluster, runs every suite and tears down', async () => {
  rmSync(out, { recursive: true, force: true });
  const run = coco(['run', '--out', out], 70 * 60_000);
  console.log(run.stdout.split('\n').slice(-60).join('\n'));
  if (run.status !== 0) console.error(run.stderr.split('\n').slice(-60).join('\n'));
  expect(run.status, 'coco-conformance run exit code (0 = every outcome as the release claims)').toBe(0);
  const loaded = loadResultRecords([out]);
  expect(loaded.warnings).toEqual([]);
  records = loaded.records;
  expect(records.map((r) => r.cell.platform)).toEqual(['control']);
  expect(records[0]?.status).toBe('complete');
  expect(records[0]?.doubles.join(' ')).toMatch(/KBS/i);
});

for (const catalogTest of TEST_CATALOG) {
  test(`control outcome: ${catalogTest.id}`, async () => {
    const record = records[0];
    test.skip(!record, 'the control run produced no record (see the first test)');
    const expected = expectedOutcome(profile, 'control', catalogTest);
    const results = record!.tests.filter((t) => t.id === catalogTest.id);
    expect(results.length, `${catalogTest.id} ran on control`).toBeGreaterThan(0);
    for (const result of results) {
      const missingInput = MISSING_RUNNER_INPUT[catalogTest.id];
      if (missingInput) {
        expect(result.outcome).toBe('skipped');
        expect(result.skipReason).toMatch(missingInput);
        continue;
      }
      const want = expected.expect === 'fail' ? 'expected-failure' : expected.expect === 'skip' ? 'skipped' : 'passed';
      expect(result.outcome, `${catalogTest.id}: ${result.error ?? ''}`).toBe(want);
      if (catalogTest.variant === 'positive' && want === 'passed') {
        expect(result.nonDiscriminating, 'a positive test passing on runc must be named non-discriminating').toBeTruthy();
      }
    }
  });
}

test('the report renders the control grid and names non-discriminating tests', async () => {
  const reportDir = join(out, 'report');
  const report = coco(['report', out, '--release', 'v0.9.0', '--out', reportDir], 120_000);
  expect(report.status, report.stderr).toBe(0);
  expect(existsSync(join(reportDir, 'index.html')) || readdirSync(reportDir).some((f) => f.endsWith('.html'))).toBe(true);
  const markdown = readdirSync(reportDir).find((f) => f.endsWith('.md'));
  expect(markdown).toBeTruthy();
  const text = readFileSync(join(reportDir, markdown!), 'utf8');
  expect(text).toMatch(/control/);
  expect(text).toMatch(/guest-pull\/init-container-shared-volume/);
  expect(text).toMatch(/double/i);
});

test('signoff is INCONCLUSIVE: the control run proves no TEE claim', async () => {
  const signoff = coco(['signoff', out, '--release', 'v0.9.0'], 120_000);
  expect(signoff.stdout + signoff.stderr).toMatch(/INCONCLUSIVE/);
  expect(signoff.status).toBe(3);
});

test('nothing of ours is left behind', async () => {
  const processes = spawnSync('ps', ['-eo', 'comm='], { encoding: 'utf8' }).stdout.split('\n').map((p) => p.trim());
  for (const daemon of ['kubelet', 'etcd', 'kube-apiserver', 'kube-controller', 'kube-scheduler']) {
    expect(processes, `no ${daemon} process left`).not.toContain(daemon);
  }
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
  expect(links).not.toMatch(/\bcoco0\b/);
  expect(links).not.toMatch(/\bveth/);
  expect(existsSync('/etc/kubernetes/admin.conf')).toBe(false);
  expect(existsSync('/var/lib/etcd/member')).toBe(false);
  expect(existsSync('/run/coco-conformance/containerd/containerd.sock')).toBe(false);
});
