import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadRelease, TEST_CATALOG } from '../../matrix/index.ts';
import type { ResultRecord } from '../../reporters/result-record.ts';
import { validateResultRecord } from '../../reporters/validate-result-record.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { filesContaining, scriptedMatrix, startScriptedRun } from './support/scripted-run-process.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('run-output');

const ROOT = resolve(import.meta.dirname, '../..');
const CELL = 'v0.9.0/control/kind-1.30/containerd/host';
const DURATION = String.raw`(\d+ ms|\d+\.\d s)`;

function lineIndex(lines: string[], pattern: RegExp): number {
  const index = lines.findIndex((line) => pattern.test(line));
  expect(index, `a line matching ${pattern}`).toBeGreaterThanOrEqual(0);
  return index;
}

function readRecord(file: string): ResultRecord {
  const record = JSON.parse(readFileSync(file, 'utf8')) as ResultRecord;
  expect(validateResultRecord(record)).toMatchObject({ ok: true });
  return record;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
}

test('run prints each test as it finishes, then feature × outcome counts, the sign-off of this run and its report', async () => {
  const run = startScriptedRun(scratch, ['--matrix', scriptedMatrix(scratch)]);
  const code = await run.exited;
  const output = run.output();
  expect(code, output).toBe(0);
  const lines = output.split('\n');

  // The double suite's four tests, each on its own line between the step before the suites and the suites' end:
  // printed while the suites ran, not gathered afterwards.
  const setupDone = lineIndex(lines, new RegExp(String.raw`^\[cell ${CELL}\] platform-setup ✓`));
  const suitesDone = lineIndex(lines, new RegExp(String.raw`^\[cell ${CELL}\] suites ✓`));
  const testLines = [
    new RegExp(String.raw`^  expected-failure attestation/resource-released-allow-all  control  ${DURATION}  at "assert: the log holds the resource value": Error: GET /kbs/v0/resource/default/double/key should return the KBS resource$`),
    new RegExp(String.raw`^  passed           attestation/resource-withheld-deny-all  control  ${DURATION}$`),
    new RegExp(String.raw`^  expected-failure sealed-secret/unsealed-with-resource  control  ${DURATION}  at "assert: the guest unsealed the secret": Error: PROTECTED_SECRET = sealed\.double: no confidential-data-hub unsealed the value$`),
    new RegExp(String.raw`^  passed           sealed-secret/stays-sealed-without-resource  control  ${DURATION}$`),
  ].map((pattern) => lineIndex(lines, pattern));
  for (const at of testLines) {
    expect(at).toBeGreaterThan(setupDone);
    expect(at).toBeLessThan(suitesDone);
  }

  expect(output).toContain([
    'FEATURE         passed  expected-failure  total',
    'attestation          1                 1      2',
    'sealed-secrets       1                 1      2',
    'total                2                 2      4',
  ].join('\n'));
  // On control the release claims nothing, so this run alone cannot sign anything off.
  expect(output).toMatch(/^sign-off v0\.9\.0 from this run alone: INCONCLUSIVE \(\d+ reasons\)$/m);
  expect(output).toMatch(/^  NOT-RUN attestation × tdx: /m);

  const recordFile = output.match(/^record: (.+)$/m)?.[1];
  expect(recordFile && isInside(run.out, recordFile)).toBe(true);
  const record = readRecord(recordFile!);
  expect(record.status).toBe('complete');
  expect(record.tests.map((t) => `${t.id} ${t.outcome}`)).toEqual([
    'attestation/resource-released-allow-all expected-failure', 'attestation/resource-withheld-deny-all passed',
    'sealed-secret/unsealed-with-resource expected-failure', 'sealed-secret/stays-sealed-without-resource passed',
  ]);

  const reportFile = output.match(/^report v0\.9\.0: (.+)$/m)?.[1];
  expect(reportFile && isInside(run.out, reportFile)).toBe(true);
  const html = readFileSync(reportFile!, 'utf8');
  expect(html).toContain(CELL);
  // Self-contained, as `report` writes it: no script or stylesheet fetched from anywhere.
  expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+rel="?stylesheet/);
  // CI=true: plain lines, no cursor movement or colour.
  expect(output).not.toContain('\x1b');
});

for (const failing of [false, true]) {
  test(`keys and credentials live in a 0700 state folder outside --out, which is gone after the run${failing ? ' (platform setup fails)' : ''}`, async () => {
    const run = startScriptedRun(scratch, ['--matrix', scriptedMatrix(scratch)], failing ? { COCO_TEST_FAIL_SETUP: '1' } : {});
    const code = await run.exited;
    const output = run.output();
    expect(code, output).toBe(failing ? 1 : 0);

    const folder = run.events().find((e) => e.startsWith('state-folder '))?.split(' ');
    expect(folder, run.events().join('\n')).toBeDefined();
    const [, stateFolder, mode] = folder!;
    expect(mode).toBe('700');
    expect(isInside(run.stateRoot, stateFolder!)).toBe(true);
    expect(isInside(run.out, stateFolder!)).toBe(false);
    if (failing) {
      expect(output).toContain(`infra-error ${CELL} (platform-setup: failed to prepare the double platform: asked to by COCO_TEST_FAIL_SETUP)`);
    } else {
      // The suites' own secrets file (COCO_SECRETS_FILE) was in the cell's state folder, beside the cluster's.
      const secretsFile = run.events().find((e) => e.startsWith('suite-secrets-file '))?.slice('suite-secrets-file '.length);
      expect(secretsFile && dirname(dirname(secretsFile))).toBe(dirname(stateFolder!));
      expect(existsSync(dirname(secretsFile!))).toBe(false);
      // One channel: of the COCO_ variables, the pipeline hands the suites only the suite environment file's name
      // and the shared secrets file; everything else they know (cell, release, runner, doubles, facts, record file,
      // expected outcomes) is in that file. The rest is what this test's own process had and the run inherited.
      const seen = run.events().find((e) => e.startsWith('suite-coco-variables '))?.split(' ').slice(1);
      const inherited = Object.keys({ ...process.env, COCO_STATE_DIR: '', COCO_TEST_MARKER_DIR: '' }).filter((name) => name.startsWith('COCO_'));
      expect(seen).toEqual([...new Set([...inherited, 'COCO_SECRETS_FILE', 'COCO_SUITE_ENV'])].sort());
    }

    expect(existsSync(stateFolder!)).toBe(false);
    expect(readdirSync(run.stateRoot), 'no run folder is left in the state root').toEqual([]);
    const secrets = run.secrets();
    // The platform setup runs before the KBS step: when it fails no KBS was deployed, so no KBS key was made.
    expect([...secrets.keys()].sort()).toEqual(failing ? ['kubeconfig client key', 'registry password']
      : ['kbs admin key', 'kbs key.bin', 'kubeconfig client key', 'registry password']);
    expect(readdirSync(run.out).length, 'the run wrote its outputs').toBeGreaterThan(0);
    for (const [label, value] of secrets) expect(filesContaining(run.out, value), `${label} under --out`).toEqual([]);
  });
}

test('a cell on a platform the release does not ship is skipped: nothing is provisioned, every test skips with the profile note, exit 0', async () => {
  const note = loadRelease('v0.9.0').platforms['coco-dev']!.note!;
  const run = startScriptedRun(scratch, ['--matrix', scriptedMatrix(scratch, 'coco-dev')]);
  const code = await run.exited;
  const output = run.output();
  expect(code, output).toBe(0);
  expect(run.events(), 'no provision, install or KBS').toEqual([]);
  const cell = 'v0.9.0/coco-dev/kind-1.30/containerd/host';
  expect(output).toContain(`[cell ${cell}] skipped: ${note}`);
  expect(output).toMatch(new RegExp(String.raw`^skipped     ${cell} \(${note.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\) → `, 'm'));
  const record = readRecord(output.match(/^record: (.+)$/m)![1]!);
  expect(record.status).toBe('complete');
  const expectedIds = TEST_CATALOG.filter((t) => t.feature === 'attestation' || t.feature === 'sealed-secrets').map((t) => t.id);
  expect(record.tests.map((t) => t.id)).toEqual(expectedIds);
  for (const t of record.tests) {
    expect(t.outcome).toBe('skipped');
    expect(t.skipReason).toBe(note);
  }
  expect(readdirSync(run.stateRoot)).toEqual([]);
});

test('a state folder inside --out is refused in one line, exit 2', async () => {
  const out = scratch('out');
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--dry-run', '--out', out],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', COCO_STATE_DIR: join(out, 'state') } });
  expect(result.exitCode).toBe(2);
  expect(result.stderr.trim().split('\n')).toEqual([
    `error: the state folder ${join(out, 'state')} (COCO_STATE_DIR) lies inside --out ${out}, which is uploaded: choose one outside it`,
  ]);
});
