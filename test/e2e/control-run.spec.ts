import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { encodedReleases, expandCells, loadRelease, loadRunnerMatrix, planCellTests } from '../../matrix/index.ts';
import { TEST_CATALOG } from '../../matrix/test-catalog.ts';
import { XMLValidator } from 'fast-xml-parser';
import { coco } from './coco-cli.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { controlVerdicts } from './control-verdicts.ts';
import { loadResultRecords, type CompatibilityReport } from '../../reporters/index.ts';
import type { ResultRecord } from '../../reporters/result-record.ts';
import { runStateDir, stateRoot } from '../../harness/pipeline/cell-workspace.ts';

/** The embedded default, for real: `coco-conformance run` with no matrix and no kubeconfig brings up the local
 *  kubeadm cluster from the offline bundle, runs every suite on the control platform (runc) on the newest encoded
 *  release (matrix/local.yaml says `latest`), tears everything down; then report and signoff read the records. On
 *  control the release claims nothing, so each positive confidential test must be an expected failure and each
 *  negative test must pass. */
const release = encodedReleases().at(-1)!;
const profile = loadRelease(release);
const out = join(SOURCE_ROOT, 'results', 'e2e');
/** The multi-release sweep: one release of each older install and KBS generation, on one cluster. */
const sweepMatrix = join(SOURCE_ROOT, 'matrix', 'control-sweep.yaml');
const sweepCells = expandCells(loadRunnerMatrix(sweepMatrix));
const sweepReleases = sweepCells.map((cell) => cell.release);
/** Per release, the catalog tests its cell runs: every one in the default run, the sweep's suites in the sweep. */
const testsOf = new Map<string, Set<string>>([
  [release, new Set(TEST_CATALOG.map((t) => t.id))],
  ...sweepCells.map((cell) => [cell.release, new Set(planCellTests(cell, loadRelease(cell.release)).map((t) => t.id))] as const),
]);
const sweepOut = join(SOURCE_ROOT, 'results', 'e2e-sweep');

const CONTROL = controlVerdicts(profile);

test.describe.configure({ mode: 'serial' });

let records: ResultRecord[] = [];
let runOutput = '';
/** Every release's record, from the default run and the sweep. */
const recordOf = new Map<string, ResultRecord>();

test('the control run brings up a cluster, runs every suite and tears down', async () => {
  rmSync(out, { recursive: true, force: true });
  const run = coco(['run', '--out', out], 70 * 60_000);
  runOutput = run.stdout;
  console.log(run.stdout.split('\n').slice(-60).join('\n'));
  if (run.status !== 0) console.error(run.stderr.split('\n').slice(-60).join('\n'));
  expect(run.status, 'coco-conformance run exit code (0 = every outcome as the release claims)').toBe(0);
  const loaded = loadResultRecords([out]);
  expect(loaded.warnings).toEqual([]);
  records = loaded.records;
  expect(records.map((r) => r.cell.platform)).toEqual(['control']);
  expect(records.map((r) => r.cell.release), 'the default runs the newest encoded release').toEqual([release]);
  expect(records[0]?.status).toBe('complete');
  // The record names the double of this release's trustee: its ref, generation and known gaps.
  expect(records[0]?.doubles.join(' ')).toContain(`KBS: test double of trustee ${profile.kbs.ref}'s admin API`);
  expect(records[0]?.doubles.join(' ')).toMatch(/Known gaps: no attestation/);
  // The release was installed its own way, for real, against the install double named in the record, and
  // uninstalled and verified clean before teardown.
  const doubleOfInstall = profile.install.method === 'helm' ? /TEST DOUBLE of the Confidential Containers Helm chart/ : /TEST DOUBLE of the CoCo operator/;
  expect(records[0]?.doubles.join(' ')).toMatch(doubleOfInstall);
  // A Helm release's chart double is kata-deploy's chart in the shape of the kata the release pins, not a fallback.
  if (profile.install.method === 'helm') expect(records[0]?.doubles.join(' ')).toContain(`in the shape of kata ${profile.components.kata.version}:`);
  expect(records[0]?.runErrors ?? []).toEqual([]);
  expect(run.stdout + run.stderr).toMatch(/\] install ✓/);
  expect(run.stdout + run.stderr).toMatch(/\] uninstall ✓/);
  recordOf.set(release, records[0]!);
});

test(`the sweep runs ${sweepReleases.join(', ')} on one cluster: each installs its release by its own method against the install double, runs its suites, uninstalls clean`, async () => {
  rmSync(sweepOut, { recursive: true, force: true });
  const run = coco(['run', '--matrix', sweepMatrix, '--out', sweepOut], 70 * 60_000);
  console.log(run.stdout.split('\n').slice(-40).join('\n'));
  if (run.status !== 0) console.error(run.stderr.split('\n').slice(-80).join('\n'));
  expect(run.status, 'coco-conformance run exit code (0 = every outcome as each release claims)').toBe(0);
  const loaded = loadResultRecords([sweepOut]);
  expect(loaded.warnings).toEqual([]);
  expect(loaded.records.map((r) => r.cell.release).sort()).toEqual([...sweepReleases].sort());
  // One cluster for the whole sweep: the kubeadm node was prepared once.
  expect((run.stdout + run.stderr).match(/kubeadm: preparing the node/g)?.length, 'clusters provisioned').toBe(1);
  for (const record of loaded.records) {
    const sweepProfile = loadRelease(record.release);
    expect(record.status, record.release).toBe('complete');
    expect(record.runErrors ?? [], `${record.release}: uninstall verified clean`).toEqual([]);
    expect(record.doubles.join(' ')).toContain(`KBS: test double of trustee ${sweepProfile.kbs.ref}'s admin API`);
    expect(record.doubles.join(' ')).toMatch(sweepProfile.install.method === 'helm' ? /Helm chart/ : /TEST DOUBLE of the CoCo operator/);
    if (sweepProfile.install.method === 'helm') {
      expect(record.doubles.join(' '), record.release).toContain(`in the shape of kata ${sweepProfile.components.kata.version}:`);
    }
    recordOf.set(record.release, record);
  }
});

test('run showed each test as it finished, the counts, the sign-off of this run alone, the record and the report', () => {
  const record = records[0];
  test.skip(!record, 'the control run produced no record (see the first test)');
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const result of record!.tests) {
    expect(runOutput).toMatch(new RegExp(`^  ${escape(result.outcome.padEnd(16))} ${escape(result.id)}  control  `, 'm'));
  }
  expect(runOutput).toMatch(/^FEATURE +passed +expected-failure +skipped +total$/m);
  expect(runOutput).toMatch(new RegExp(`^sign-off ${escape(release)} from this run alone: INCONCLUSIVE`, 'm'));
  const recordFile = runOutput.match(/^record: (.+)$/m)?.[1];
  expect(recordFile && existsSync(recordFile)).toBe(true);
  const reportFile = runOutput.match(new RegExp(`^report ${escape(release)}: (.+)$`, 'm'))?.[1];
  expect(reportFile && readFileSync(reportFile, 'utf8')).toContain(record!.cell.id);
});

test('keys and credentials the runs made stayed out of --out, and their state folders are gone', () => {
  test.skip(!recordOf.size, 'the control runs produced no record (see the first tests)');
  for (const dir of [out, sweepOut].filter((d) => existsSync(d))) {
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name)).filter((f) => statSync(f).isFile());
    expect(files.filter((f) => /(^|\/)(kbs\.key|key\.bin|registry-credentials\.json|htpasswd|kubeconfig|secrets)$/.test(f))).toEqual([]);
    expect(files.filter((f) => readFileSync(f).includes('PRIVATE KEY'))).toEqual([]);
  }
  for (const record of recordOf.values()) {
    expect(existsSync(runStateDir(stateRoot(), record.runId)), `the state folder of ${record.release}'s run`).toBe(false);
  }
});

test('every catalog test has a control verdict written here', () => {
  expect(Object.keys(CONTROL).sort()).toEqual(TEST_CATALOG.map((t) => t.id).sort());
});

for (const [verdictRelease, verdicts] of [[release, CONTROL], ...sweepReleases.map((r) => [r, controlVerdicts(loadRelease(r))] as const)] as const)
for (const catalogTest of TEST_CATALOG.filter((t) => testsOf.get(verdictRelease)!.has(t.id))) {
  test(`${verdictRelease} control outcome: ${catalogTest.id}`, async () => {
    const record = recordOf.get(verdictRelease);
    test.skip(!record, `the control run of ${verdictRelease} produced no record (see the first tests)`);
    const verdict = verdicts[catalogTest.id];
    expect(verdict, `${catalogTest.id} has a control verdict in this file`).toBeDefined();
    const results = record!.tests.filter((t) => t.id === catalogTest.id);
    expect(results.length, `${catalogTest.id} ran on control`).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.outcome, `${catalogTest.id}: ${result.error ?? ''}`).toBe(verdict!.outcome);
      if (verdict!.outcome === 'skipped') expect(result.skipReason).toMatch(verdict!.reason);
      if (verdict!.outcome === 'passed' && catalogTest.variant === 'positive') {
        expect(result.nonDiscriminating, 'a positive test passing on runc must be named non-discriminating').toBeTruthy();
      }
      if (verdict!.outcome === 'expected-failure') {
        const signature = result.failureSignature;
        expect(signature, `${catalogTest.id} records the signature it was held to`).toBeDefined();
        expect(signature!.matched).toBe(true);
        expect(signature!.failedStep).toBe(verdict!.step);
        expect(signature!.error).toMatch(verdict!.error);
      }
    }
  });
}

test('the report renders the control grid, names the non-discriminating tests and the doubles the run used', async () => {
  const record = records[0];
  test.skip(!record, 'the control run produced no record (see the first test)');
  const reportDir = join(out, 'report');
  const report = coco(['report', out, '--release', release, '--out', reportDir], 120_000);
  expect(report.status, report.stderr).toBe(0);
  expect(readdirSync(reportDir).sort()).toEqual(['junit.xml', 'report.html', 'report.json', 'report.md']);
  const json = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as CompatibilityReport;
  expect(json.release).toBe(release);
  // One control column (the release claims nothing there), a cell per feature, each as runc behaves: every test
  // held its expectation, so no cell fails, and a cell only skips where nothing applies.
  const column = json.platforms.find((p) => p.id === 'control');
  expect(column).toMatchObject({ id: 'control', claimed: false });
  const control = json.grid.flat().filter((c) => c.platform === 'control');
  expect(control.map((c) => c.feature)).toEqual(json.features);
  for (const cell of control) expect(['KNOWN-LIMITATION', 'N/A'], `${cell.feature} × control: ${cell.summary}`).toContain(cell.state);
  // The tests written here as passing non-discriminatingly are exactly those the report lists, on control.
  const nonDiscriminating = Object.entries(CONTROL).filter(([, v]) => v.outcome === 'passed' && v.nonDiscriminating).map(([id]) => id).sort();
  expect(json.nonDiscriminating.map((t) => t.testId)).toEqual(nonDiscriminating);
  for (const t of json.nonDiscriminating) expect(t.platforms).toEqual(['control']);
  expect(json.doubles).toEqual([{ runner: record!.runner, cellId: record!.cell.id, doubles: record!.doubles }]);

  const md = readFileSync(join(reportDir, 'report.md'), 'utf8');
  expect(md).toMatch(new RegExp(`^\\| Feature \\|.* \\| ${column!.name} \\|$`, 'm'));
  for (const id of nonDiscriminating) expect(md).toContain(`- \`${id}\` on control: `);
  expect(md).toMatch(/^## Test doubles used\n\n- .*: KBS: test double of trustee /m);
  const html = readFileSync(join(reportDir, 'report.html'), 'utf8');
  expect(html.match(/<a class="state [^"]*" href="#cell-[a-z-]+-control"/g)).toHaveLength(json.features.length);
  expect(XMLValidator.validate(readFileSync(join(reportDir, 'junit.xml'), 'utf8'))).toBe(true);
});

test('signoff is INCONCLUSIVE: the control run proves no TEE claim', async () => {
  const signoff = coco(['signoff', out, '--release', release], 120_000);
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
