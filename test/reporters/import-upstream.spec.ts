import { expect, test } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { loadRelease } from '../../matrix/index.ts';
import { buildCompatibilityReport, renderMarkdown, validateResultRecord, type ResultRecord } from '../../reporters/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { record as sampleRecord } from './sample-records.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('import-upstream');

const ROOT = resolve(import.meta.dirname, '../..');
/** Written by hand in the shape kata's CI produces (see the folder's README.md). */
const TDX_REPORTS = join(ROOT, 'test/reporters/upstream-ci/qemu-tdx-reports');
const SNP_JUNIT = join(ROOT, 'test/reporters/upstream-ci/qemu-snp-runtime-rs.junit.xml');
const BATS = join(ROOT, 'node_modules/bats/bin/bats');
const ISSUE_11945 = 'https://github.com/kata-containers/kata-containers/issues/11945';

async function cli(args: string[]) {
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), ...args],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
  return { ...result, output: result.stdout + result.stderr };
}

async function importInto(out: string, ...args: string[]): Promise<ResultRecord & { stdout: string }> {
  const before = new Set(readdirSafe(out));
  const result = await cli(['import', ...args, '--release', 'v0.21.0', '--out', out]);
  expect(result.exitCode, result.output).toBe(0);
  const file = readdirSafe(out).find((name) => !before.has(name))!;
  const record = JSON.parse(readFileSync(join(out, file), 'utf8')) as ResultRecord;
  expect(validateResultRecord(record), 'the imported record is a valid result record').toMatchObject({ ok: true });
  return Object.assign(record, { stdout: result.stdout });
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const outcomes = (record: ResultRecord) => Object.fromEntries(record.tests.map((t) => [t.id, t.outcome]));

test('kata CI\'s bats TAP reports of a qemu-tdx job become a tdx record: skips keep their reason, unmapped tests are listed', async () => {
  const out = scratch('import');
  mkdirSync(out);
  const record = await importInto(out, TDX_REPORTS, '--hypervisor', 'qemu-tdx', '--job-url', 'https://github.com/kata-containers/kata-containers/actions/runs/101/job/202',
    '--run-id', '101', '--commit', '7c6ba40c54ea29b459b4997cff948caaba4e658b') as ResultRecord & { stdout: string };
  expect(record.cell).toMatchObject({ platform: 'tdx', release: 'v0.21.0', cluster: { distro: 'existing' }, pullMode: 'nydus' });
  expect(record.runner).toBe('kata-ci-qemu-tdx');
  expect(record.imported).toEqual({
    format: 'bats-tap', hypervisor: 'qemu-tdx', mappingTable: 'matrix/upstream-ci/kata-3.31.0.yaml',
    files: readdirSync(TDX_REPORTS).sort().map((name) => join(TDX_REPORTS, name)),
    jobUrl: 'https://github.com/kata-containers/kata-containers/actions/runs/101/job/202', ciRunId: '101', commit: '7c6ba40c54ea29b459b4997cff948caaba4e658b',
  });
  expect(outcomes(record)).toEqual({
    'attestation/resource-released-allow-all': 'passed', 'attestation/resource-withheld-deny-all': 'passed',
    'sealed-secret/unsealed-with-resource': 'failed', 'sealed-secret/stays-sealed-without-resource': 'passed', 'sealed-secret/unsealed-as-file': 'passed',
    'signed-images/unsigned-image-rejected': 'passed', 'signed-images/signed-image-runs': 'passed', 'signed-images/unsigned-accept-anything-runs': 'passed',
    'signed-images/wrong-key-rejected': 'passed', 'signed-images/no-policy-runs': 'passed', 'init-data/kbs-from-init-data': 'skipped',
  });
  // Upstream skips the "(with initdata)" tests on qemu-tdx (k8s-guest-pull-image-signature.bats:177): the reason stays.
  expect(record.tests.find((t) => t.id === 'init-data/kbs-from-init-data')?.skipReason).toBe(ISSUE_11945);
  expect(record.tests.find((t) => t.id === 'sealed-secret/unsealed-with-resource')?.error).toContain('PROTECTED_SECRET = unsealed_secret');
  expect(record.tests.find((t) => t.id === 'attestation/resource-released-allow-all')?.durationMs).toBe(41230);
  // Nothing dropped: the bats tests with no catalog test are in the record and in the command's output.
  const unmapped = record.unclassifiedTests ?? [];
  expect(unmapped).toHaveLength(7);
  expect(unmapped).toContainEqual({ title: 'imported k8s-confidential-attestation.bats: Get CDH resource from a new policy (not in kata-3.31.0.yaml)', outcome: 'passed' });
  expect(record.stdout).toContain('k8s-confidential-attestation.bats: Get CDH resource from a new policy — passed; not in kata-3.31.0.yaml');
  expect(record.tests.length + unmapped.length).toBe(18);
});

test('a JUnit report of a qemu-snp-runtime-rs job becomes a record of snp\'s runtime-rs variant; failures keep their text', async () => {
  const out = scratch('import');
  mkdirSync(out);
  const record = await importInto(out, SNP_JUNIT, '--hypervisor', 'qemu-snp-runtime-rs');
  expect(record.cell.platform).toBe('snp');
  // Not folded into the Go shim's platform: the cell says which shim ran (v0.21.0 platforms.snp.runtimeVariants).
  expect(record.cell.runtimeVariant).toBe('runtime-rs');
  expect(record.cell.id).toBe('v0.21.0/snp+runtime-rs/existing/containerd/nydus');
  expect(record.stdout).toContain('warning: v0.21.0 does not ship runtime class kata-qemu-snp-runtime-rs');
  expect(record.runner).toBe('kata-ci-qemu-snp-runtime-rs');
  expect(record.imported?.format).toBe('junit');
  // Every testcase the XML holds, read by fast-xml-parser on its own, is either a test of the record or listed.
  const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' })
    .parse(readFileSync(SNP_JUNIT, 'utf8')) as { testsuites: { testsuite: { testcase: { name: string }[] }[] } };
  const names = xml.testsuites.testsuite.flatMap((s) => s.testcase.map((c) => c.name));
  expect(record.tests.length + (record.unclassifiedTests ?? []).length).toBe(names.length);
  expect(outcomes(record)['authenticated-registry/wrong-credentials-fail']).toBe('failed');
  expect(record.tests.find((t) => t.id === 'authenticated-registry/wrong-credentials-fail')?.error).toContain('"Not authorized"');
  expect(outcomes(record)['encrypted-image/wrong-length-key-fails']).toBe('passed');
  expect(outcomes(record)['tee-evidence/guest-is-tee']).toBe('passed');
});

test('imported and harness-run records merge in one grid and one sign-off', async () => {
  const out = scratch('import');
  mkdirSync(out);
  const tdx = await importInto(out, TDX_REPORTS, '--hypervisor', 'qemu-tdx', '--started-at', '2026-07-20T01:00:00Z');
  const snp = await importInto(out, SNP_JUNIT, '--hypervisor', 'qemu-snp-runtime-rs', '--started-at', '2026-07-20T01:00:00Z');
  // A record of the harness's own TDX runner for the same release, the same night.
  const harness = sampleRecord({ platform: 'tdx', runner: 'tdx-kubeadm-01', release: 'v0.21.0', startedAt: '2026-07-20T02:00:00.000Z',
    tests: [['guest-pull/not-unpacked-on-host', 'passed'], ['encrypted-image/right-key-runs', 'passed'], ['tee-evidence/guest-is-tee', 'passed']] });
  harness.cell = { ...harness.cell, id: 'v0.21.0/tdx/kubeadm-1.30/containerd/nydus', release: 'v0.21.0' };
  writeFileSync(join(out, 'harness.json'), JSON.stringify(harness));

  const profile = loadRelease('v0.21.0');
  const report = buildCompatibilityReport({ records: [tdx, snp, harness], profile, generatedAt: '2026-07-21T00:00:00Z' });
  const cell = (feature: string, platform: string) =>
    report.grid[report.features.indexOf(feature as never)]![report.platforms.findIndex((p) => p.id === platform)]!;
  // One TDX column fed by both runners: the harness's guest-pull and the imported sealed-secret failure.
  expect(cell('guest-pull', 'tdx').state).toBe('PASS');
  expect(cell('sealed-secrets', 'tdx').state).toBe('FAIL');
  expect(cell('attestation', 'tdx').state).toBe('PASS');
  // The runtime-rs job ran a class v0.21.0 does not ship: left out of the grid, with a warning, never graded as snp.
  expect(cell('encrypted-images', 'snp').state).toBe('NOT-RUN');
  expect(report.warnings).toContainEqual(expect.stringMatching(
    /^record imported-\S+ \(kata-ci-qemu-snp-runtime-rs, v0\.21\.0\/snp\+runtime-rs\/existing\/containerd\/nydus\) runs runtime class kata-qemu-snp-runtime-rs, which v0\.21\.0 does not ship: left out of the grid$/));
  // The test upstream skips on TDX (kata issue 11945) is NOT-RUN with upstream's reason.
  expect(cell('init-data', 'tdx')).toMatchObject({ state: 'NOT-RUN' });
  expect(cell('init-data', 'tdx').summary).toContain(ISSUE_11945);
  expect(report.runs.map((r) => r.runner).sort()).toEqual(['kata-ci-qemu-tdx', 'tdx-kubeadm-01']);
  // Where the release ships the variant (a profile whose install creates kata-qemu-snp-runtime-rs), the same record
  // is graded in snp's column.
  const shipping = structuredClone(profile);
  shipping.platforms.snp!.runtimeVariants!['runtime-rs']!.shipped = true;
  const shipped = buildCompatibilityReport({ records: [tdx, snp, harness], profile: shipping, generatedAt: '2026-07-21T00:00:00Z' });
  expect(shipped.grid[shipped.features.indexOf('encrypted-images')]![shipped.platforms.findIndex((p) => p.id === 'snp')]!.state).toBe('PASS');
  const markdown = renderMarkdown(report);
  expect(markdown).toContain('## Imported from upstream CI');
  expect(markdown).toMatch(/v0\.21\.0\/tdx\/existing\/containerd\/nydus \(kata-ci-qemu-tdx\): qemu-tdx job's bats-tap/);

  const signoff = await cli(['signoff', out, '--release', 'v0.21.0', '--platforms', 'tdx,snp']);
  expect(signoff.exitCode, signoff.output).toBe(1);
  expect(signoff.stdout).toContain('over 2 cell run(s)');
  expect(signoff.stdout).toContain('FAIL sealed-secrets × tdx: failed unexpectedly: sealed-secret/unsealed-with-resource');
  expect(signoff.stdout).toContain(`NOT-RUN init-data × tdx: every test was skipped: ${ISSUE_11945}`);
});

test('what the real bats writes (--formatter tap, --formatter junit, --timing) imports the same', async () => {
  const dir = scratch('bats');
  mkdirSync(dir);
  // A bats file written here with three of kata 3.31.0's k8s-guest-pull-image-signature.bats names and its skip.
  const suite = join(dir, 'k8s-guest-pull-image-signature.bats');
  writeFileSync(suite, [
    '@test "Create a pod from an unsigned image, on a \'restricted registry\' is rejected" {', '  true', '}',
    '@test "Create a pod from a signed image, on a \'restricted registry\' is successful" {', '  echo "pod output"', '  false', '}',
    '@test "Create a pod from an unsigned image, on a \'restricted registry\' is rejected (with initdata)" {',
    `  [[ "\${KATA_HYPERVISOR}" == "qemu-tdx" ]] && skip "${ISSUE_11945}"`, '  true', '}', ''].join('\n'));
  const env = { PATH: `${process.env.PATH}`, KATA_HYPERVISOR: 'qemu-tdx' };
  const tap = await runCommand([BATS, '--formatter', 'tap', '--timing', suite], { nothrow: true, cwd: dir, env });
  const junit = await runCommand([BATS, '--formatter', 'junit', suite], { nothrow: true, cwd: dir, env });
  expect(tap.stdout).toContain(`# skip ${ISSUE_11945}`);
  mkdirSync(join(dir, 'reports'));
  writeFileSync(join(dir, 'reports', 'not_ok-k8s-guest-pull-image-signature.bats.out'), tap.stdout);
  writeFileSync(join(dir, 'signature.junit.xml'), junit.stdout);
  const want = {
    'signed-images/unsigned-image-rejected': 'passed', 'signed-images/signed-image-runs': 'failed', 'init-data/kbs-from-init-data': 'skipped',
  };
  for (const input of [join(dir, 'reports'), join(dir, 'signature.junit.xml')]) {
    const record = await importInto(join(dir, 'out'), input, '--hypervisor', 'qemu-tdx');
    expect(outcomes(record), input).toEqual(want);
    expect(record.tests.find((t) => t.id === 'init-data/kbs-from-init-data')?.skipReason).toBe(ISSUE_11945);
    expect(record.tests.find((t) => t.id === 'signed-images/signed-image-runs')?.error).toContain('pod output');
  }
});

test('bad reports and flags are one line, exit 2', async () => {
  const dir = scratch('import-bad');
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.out'), 'hello\nthis is not TAP\n');
  writeFileSync(join(dir, 'broken.xml'), '<?xml version="1.0"?>\n<testsuites>\n<testsuite name="x">\n</testsuites>\n');
  const cases: [string[], RegExp][] = [
    [[join(dir, 'notes.out'), '--hypervisor', 'qemu-tdx'], /notes\.out: \(document\): not bats TAP output/],
    [[join(dir, 'broken.xml'), '--hypervisor', 'qemu-tdx'], /broken\.xml:\d+:\d+: \(document\): not well-formed XML/],
    [[SNP_JUNIT, '--hypervisor', 'qemu-kvm'], /--hypervisor qemu-kvm: not a CoCo hypervisor of kata-3\.31\.0\.yaml/],
    [[SNP_JUNIT], /--hypervisor is required/],
  ];
  for (const [args, pattern] of cases) {
    const result = await cli(['import', ...args, '--release', 'v0.21.0', '--out', join(dir, 'out')]);
    expect(result.exitCode, result.output).toBe(2);
    expect(result.stderr.trim().split('\n'), result.output).toHaveLength(1);
    expect(result.stderr).toMatch(pattern);
  }
});
