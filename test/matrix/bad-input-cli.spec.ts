import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GENERATED_CASES } from './generated-bad-inputs.ts';
import { REPO_ROOT } from './repo-root.ts';

/** Bad input through the real binary, as a user meets it: every case exits 2 with exactly one line on stderr,
 *  nothing on stdout, and no stack trace. The bad-YAML corpus goes through `plan --matrix` (and the release
 *  profiles through `signoff --profile` as well, where the profile is what is loaded). */
test.describe.configure({ mode: 'parallel' });

const CORPUS = 'test/matrix/bad-yaml';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { uid?: number } = {}): CliResult {
  const run = spawnSync(process.execPath, ['bin/coco-conformance.mjs', ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.uid } : {}),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Exit 2, nothing on stdout, exactly one line on stderr (equal to `line` when given), and no stack frame. */
function expectOneLine(result: CliResult, line?: string | RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toHaveLength(2); // one line and its newline
  expect(result.stderr).not.toMatch(/^\s+at /m);
  if (typeof line === 'string') expect(result.stderr).toBe(`${line}\n`);
  else if (line) expect(result.stderr.trimEnd()).toMatch(line);
}

let scratch = '';
test.beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'coco-bad-cli-'));
});
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const corpus = readdirSync(path.join(REPO_ROOT, CORPUS)).filter((name) => name.endsWith('.yaml')).sort();
const expectedOf = (name: string) =>
  readFileSync(path.join(REPO_ROOT, CORPUS, name.replace(/\.yaml$/, '.expected')), 'utf8').trimEnd().replace('{file}', `${CORPUS}/${name}`);

for (const name of corpus) {
  test(`plan --matrix ${name}: exit 2, one line`, () => {
    const result = cli(['plan', '--matrix', `${CORPUS}/${name}`]);
    if (name.startsWith('matrix-')) expectOneLine(result, `error: ${expectedOf(name)}`);
    else expectOneLine(result, new RegExp(`^error: ${CORPUS}/${name}(:\\d+:\\d+)?: `));
  });
  if (name.startsWith('profile-')) {
    test(`signoff --profile ${name}: exit 2, the profile's one line`, () => {
      expectOneLine(cli(['signoff', scratch, '--profile', `${CORPUS}/${name}`]), `error: ${expectedOf(name)}`);
    });
  }
}

for (const generated of GENERATED_CASES) {
  test(`plan --matrix with ${generated.name}: exit 2, one line`, () => {
    const folder = mkdtempSync(path.join(scratch, 'generated-'));
    const file = generated.write(folder);
    expectOneLine(cli(['plan', '--matrix', file]), `error: ${generated.expected.replace('{file}', file)}`);
  });
}

test('plan --matrix on a device or a folder: refused without reading it', () => {
  expectOneLine(cli(['plan', '--matrix', '/dev/zero']), 'error: /dev/zero: (document): is not a regular file (a device, a pipe or a socket)');
  expectOneLine(cli(['plan', '--matrix', 'matrix']), 'error: matrix: (document): is a folder, not a file');
});

test('a flag typo is named as a flag with the closest one, for plan, report and signoff', () => {
  expectOneLine(cli(['plan', '--matirx', 'matrix/local.yaml']), 'coco-conformance plan: unknown flag --matirx; did you mean --matrix?');
  expectOneLine(cli(['report', scratch, '--relase', 'v0.9.0']), 'coco-conformance report: unknown flag --relase; did you mean --release?');
  expectOneLine(cli(['signoff', scratch, '--release', 'v0.9.0', '--platfroms', 'tdx']), 'coco-conformance signoff: unknown flag --platfroms; did you mean --platforms?');
  expectOneLine(cli(['plan', '--bogus']), 'coco-conformance plan: unknown flag --bogus (flags: --matrix, --runner, --cell, --platform, --suite, --json, --help)');
  expectOneLine(cli(['signoff', scratch, '--release', 'v0.9.0', '--out', 'x']), /^coco-conformance signoff: unknown flag --out \(flags: /);
});

test('a flag without its value, or with a value it does not take, names the flag', () => {
  expectOneLine(cli(['plan', '--matrix']), 'coco-conformance plan: --matrix needs a value');
  expectOneLine(cli(['plan', '--matrix', '--json']), 'coco-conformance plan: --matrix needs a value');
  expectOneLine(cli(['plan', '--json=yes']), 'coco-conformance plan: --json takes no value (got "yes")');
  expectOneLine(cli(['plan', '--suite', 'nosuch']),
    'coco-conformance plan: --suite: unknown value "nosuch" (expected one of: attestation, encrypted-images, authenticated-registries, sealed-secrets, guest-pull, tee-evidence, signed-images, init-data)');
  expectOneLine(cli(['plan', '--suite=sealed-secret']), /^coco-conformance plan: --suite: unknown value "sealed-secret"; did you mean sealed-secrets\? /);
  expectOneLine(cli(['plan', '--platform', 'tdx2']), /^coco-conformance plan: --platform: unknown value "tdx2"; did you mean tdx\? /);
  expectOneLine(cli(['report', scratch, '--release', 'v0.9.0', '--format', 'html,pdf']), /^coco-conformance report: --format: unknown value "pdf" /);
  expectOneLine(cli(['plan', 'matrix/local.yaml']), 'coco-conformance plan: unexpected argument "matrix/local.yaml" (this command takes flags only)');
});

test('the --flag=value form works like --flag value', () => {
  const spaced = cli(['plan', '--matrix', 'matrix/nightly.yaml', '--platform', 'snp', '--json']);
  const joined = cli(['plan', '--matrix=matrix/nightly.yaml', '--platform=snp', '--json']);
  expect(joined.code, joined.stderr).toBe(0);
  expect(joined.stdout).toBe(spaced.stdout);
  expect(JSON.parse(joined.stdout).matrix).toBe('matrix/nightly.yaml');
  const local = cli(['plan', '--matrix=matrix/local.yaml']);
  expect(local.code, local.stderr).toBe(0);
  expect(local.stdout).toContain('1 cell from matrix/local.yaml');
});

test('signoff without --release prints its own usage line; report its own', () => {
  expectOneLine(cli(['signoff', scratch]),
    'coco-conformance signoff: --release vX (or --profile FILE) is required; usage: coco-conformance signoff RESULTS… --release vX [--platforms tdx,snp,se]   exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE');
  expectOneLine(cli(['report', scratch]), /^coco-conformance report: --release vX \(or --profile FILE\) is required; usage: coco-conformance report RESULTS… /);
});

test('report --out that is a file, lies under a file, or cannot be written: one line before any work', () => {
  const file = path.join(scratch, 'a-file');
  writeFileSync(file, 'x');
  expectOneLine(cli(['report', scratch, '--release', 'v0.9.0', '--out', file]), `coco-conformance report: --out ${file} is a file, not a folder`);
  expectOneLine(cli(['report', scratch, '--release', 'v0.9.0', '--out', path.join(file, 'sub')]),
    `coco-conformance report: --out ${path.join(file, 'sub')} (its parent ${file}) is a file, not a folder`);

  // Root may write anywhere: the unwritable case runs the CLI as the unprivileged user "nobody" then.
  const locked = path.join(scratch, 'locked');
  mkdirSync(locked);
  chmodSync(scratch, 0o755);
  chmodSync(locked, 0o555);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534 } : {};
  expectOneLine(cli(['report', scratch, '--release', 'v0.9.0', '--out', path.join(locked, 'report')], asNobody),
    `coco-conformance report: --out ${path.join(locked, 'report')} (its parent ${locked}) is not writable (EACCES)`);
});

test('an unknown command is one line with the closest command', () => {
  expectOneLine(cli(['plna']), /^coco-conformance: unknown command "plna"; did you mean plan\? \(commands: plan, run, report, signoff, /);
  expectOneLine(cli([]), /^coco-conformance: no command given \(commands: /);
});
