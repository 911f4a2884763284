import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENERATED_CASES } from './generated-bad-inputs.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('bad-cli');

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

function cli(args: string[], options: { uid?: number; env?: Record<string, string> } = {}): CliResult {
  const run = spawnSync(process.execPath, ['bin/coco-conformance.mjs', ...args], {
    cwd: SOURCE_ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', ...options.env }, timeout: 60_000,
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

const corpus = readdirSync(path.join(SOURCE_ROOT, CORPUS)).filter((name) => name.endsWith('.yaml')).sort();
const expectedOf = (name: string) =>
  readFileSync(path.join(SOURCE_ROOT, CORPUS, name.replace(/\.yaml$/, '.expected')), 'utf8').trimEnd().replace('{file}', `${CORPUS}/${name}`);

for (const name of corpus) {
  test(`plan --matrix ${name}: exit 2, one line`, () => {
    const result = cli(['plan', '--matrix', `${CORPUS}/${name}`]);
    if (name.startsWith('matrix-')) expectOneLine(result, `error: ${expectedOf(name)}`);
    else expectOneLine(result, new RegExp(`^error: ${CORPUS}/${name}(:\\d+:\\d+)?: `));
  });
  if (name.startsWith('profile-')) {
    test(`signoff --profile ${name}: exit 2, the profile's one line`, () => {
      expectOneLine(cli(['signoff', scratch(), '--profile', `${CORPUS}/${name}`]), `error: ${expectedOf(name)}`);
    });
  }
}

for (const generated of GENERATED_CASES) {
  test(`plan --matrix with ${generated.name}: exit 2, one line`, () => {
    const folder = freshFolder(scratch, 'generated');
    const file = generated.write(folder);
    expectOneLine(cli(['plan', '--matrix', file]), `error: ${generated.expected.replace('{file}', file)}`);
  });
}

test('a Kubernetes version its cluster provider has nothing for: run and run --dry-run refuse the matrix as plan does', () => {
  // Were the matrix let through, the real run would get only a provider that makes nothing (a test double whose
  // cluster exists for a second), never a real cluster.
  const doubleProvider = {
    COCO_TEST_PROVIDER_MODULE: path.join(SOURCE_ROOT, 'test/providers/support/slow-provider.ts'),
    COCO_TEST_SLOW_SECONDS: '1', COCO_TEST_MARKER_DIR: path.join(scratch(), 'provider-markers'),
  };
  for (const name of ['matrix-kind-kubernetes-without-image.yaml', 'matrix-k3s-kubernetes-without-release.yaml', 'matrix-bundle-kubernetes-not-bundled.yaml']) {
    const line = `error: ${expectedOf(name)}`;
    expectOneLine(cli(['run', '--dry-run', '--matrix', `${CORPUS}/${name}`, '--out', path.join(scratch(), `dry-${name}`)]), line);
    expectOneLine(cli(['run', '--matrix', `${CORPUS}/${name}`, '--out', path.join(scratch(), `run-${name}`)], { env: doubleProvider }), line);
  }
});

test('plan --matrix on a device or a folder: refused without reading it', () => {
  expectOneLine(cli(['plan', '--matrix', '/dev/zero']), 'error: /dev/zero: (document): is not a regular file (a device, a pipe or a socket)');
  expectOneLine(cli(['plan', '--matrix', 'matrix']), 'error: matrix: (document): is a folder, not a file');
});

test('a flag typo is named as a flag with the closest one, for plan, report and signoff', () => {
  expectOneLine(cli(['plan', '--matirx', 'matrix/local.yaml']), 'error: unknown flag --matirx; did you mean --matrix?');
  expectOneLine(cli(['report', scratch(), '--relase', 'v0.9.0']), 'error: unknown flag --relase; did you mean --release?');
  expectOneLine(cli(['signoff', scratch(), '--release', 'v0.9.0', '--platfroms', 'tdx']), 'error: unknown flag --platfroms; did you mean --platforms?');
  expectOneLine(cli(['plan', '--bogus']), 'error: unknown flag --bogus (flags: --matrix, --runner, --cell, --platform, --suite, --json, --help)');
  expectOneLine(cli(['signoff', scratch(), '--release', 'v0.9.0', '--out', 'x']), /^error: unknown flag --out \(flags: /);
});

test('a flag without its value, or with a value it does not take, names the flag', () => {
  expectOneLine(cli(['plan', '--matrix']), 'error: --matrix needs a value');
  expectOneLine(cli(['plan', '--matrix', '--json']), 'error: --matrix needs a value');
  expectOneLine(cli(['plan', '--json=yes']), 'error: --json takes no value (got "yes")');
  expectOneLine(cli(['plan', '--suite', 'nosuch']),
    'error: --suite: unknown value "nosuch" (expected one of: attestation, encrypted-images, authenticated-registries, sealed-secrets, guest-pull, tee-evidence, signed-images, init-data, agent-policy, trusted-storage, trusted-image-storage, measured-rootfs)');
  expectOneLine(cli(['plan', '--suite=sealed-secret']), /^error: --suite: unknown value "sealed-secret"; did you mean sealed-secrets\? /);
  expectOneLine(cli(['plan', '--platform', 'tdx2']), /^error: --platform: unknown value "tdx2"; did you mean tdx\? /);
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--format', 'html,pdf']), /^error: --format: unknown value "pdf" /);
  expectOneLine(cli(['plan', 'matrix/local.yaml']), 'error: unexpected argument "matrix/local.yaml" (this command takes flags only)');
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
  expectOneLine(cli(['signoff', scratch()]),
    'error: --release vX (or --profile FILE) is required; usage: coco-conformance signoff RESULTS… --release vX [--platforms tdx,snp,se]   exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE');
  expectOneLine(cli(['report', scratch()]), /^error: --release vX \(or --profile FILE\) is required; usage: coco-conformance report RESULTS… /);
});

test('report --out that is a file, lies under a file, or cannot be written: one line before any work', () => {
  const file = path.join(scratch(), 'a-file');
  writeFileSync(file, 'x');
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--out', file]), `error: --out ${file} is a file, not a folder`);
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--out', path.join(file, 'sub')]),
    `error: --out ${path.join(file, 'sub')} (its parent ${file}) is a file, not a folder`);

  // Root may write anywhere: the unwritable case runs the CLI as the unprivileged user "nobody" then.
  const locked = path.join(scratch(), 'locked');
  mkdirSync(locked);
  chmodSync(scratch(), 0o755);
  chmodSync(locked, 0o555);
  const asNobody = process.getuid?.() === 0 ? { uid: 65534 } : {};
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--out', path.join(locked, 'report')], asNobody),
    `error: --out ${path.join(locked, 'report')} (its parent ${locked}) is not writable (EACCES)`);
});

test('an unknown command is one line with the closest command', () => {
  expectOneLine(cli(['plna']), /^error: unknown command "plna"; did you mean plan\? \(commands: plan, run, report, signoff, /);
  expectOneLine(cli([]), /^error: no command given \(commands: /);
});

test('--out under /proc, or anywhere no file can be written: one line, exit 2, at once (no spin, no partial run)', () => {
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--out', '/proc/x']), 'error: --out /proc/x (its parent /proc) is not writable (ENOENT)');
  expectOneLine(cli(['run', '--dry-run', '--out', '/proc/x/y']), 'error: --out /proc/x/y (its parent /proc) is not writable (ENOENT)');
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--out', '/sys/kernel/coco']), /^error: --out \/sys\/kernel\/coco \(its parent \/sys\/kernel\) is not writable \(E[A-Z]+\)$/);
});

test('a release is a tag, never a path; a near miss is named with the list of releases', () => {
  expectOneLine(cli(['signoff', scratch(), '--release', '../local']), /^error: --release: unknown release "\.\.\/local" \(releases: v0\.9\.0, v0\.10\.0, /);
  expectOneLine(cli(['report', scratch(), '--release', 'matrix/releases/v0.9.0']), /^error: --release: unknown release "matrix\/releases\/v0\.9\.0"; did you mean v0\.9\.0\? /);
  expectOneLine(cli(['diff-release', '0.9.0', 'v0.10.0']), /^error: unknown release "0\.9\.0"; did you mean v0\.9\.0\? \(releases: v0\.9\.0, v0\.10\.0, /);
});

test('a 100 KB argument is cut in the message, not echoed whole', () => {
  const huge = `x${'y'.repeat(100_000)}`;
  for (const args of [['plan', '--matrix', huge], ['report', scratch(), '--release', huge], ['plan', '--runner', huge], [huge], ['report', scratch(), '--release', 'v0.9.0', '--history', huge]]) {
    const result = cli(args);
    expectOneLine(result);
    expect(result.stderr.length, args.slice(0, -1).join(' ')).toBeLessThan(3_000);
  }
});

test('run checks --kbs-url and --kubeconfig before any work, in a dry run too', () => {
  const key = path.join(scratch(), 'admin.pem');
  writeFileSync(key, 'not read in a dry run');
  expectOneLine(cli(['run', '--dry-run', '--kbs-url', 'ftp://kbs:8080', '--kbs-admin-key', key]), 'error: --kbs-url "ftp://kbs:8080": expected an http:// or https:// URL');
  expectOneLine(cli(['run', '--dry-run', '--kbs-url', 'http://kbs:8080', '--kbs-admin-key', path.join(scratch(), 'nope.pem')]),
    `error: --kbs-admin-key "${path.join(scratch(), 'nope.pem')}" does not exist`);
  expectOneLine(cli(['run', '--dry-run', '--kubeconfig', 'matrix/local.yaml']), /^error: matrix\/local\.yaml(:\d+:\d+)?: clusters: not a kubeconfig: it names no cluster$/);
  expectOneLine(cli(['run', '--dry-run', '--kubeconfig', path.join(scratch(), 'no-such-kubeconfig')]), /: \(document\): file not found$/);
  expectOneLine(cli(['run', '--verbose']), 'error: --verbose goes with --dry-run (a real run logs every step anyway)');
});

test('a negative night count is judged as a number, not taken for a missing value', () => {
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--history', '-3']), 'error: --history "-3": expected a whole number of nights from 1 to 3650');
  expectOneLine(cli(['report', scratch(), '--release', 'v0.9.0', '--alert-after=-1']), 'error: --alert-after "-1": expected a whole number of nights from 1 to 3650');
});

test('RESULTS of JSON that holds no record says what it found: 50,000 `{}` files, one file of deep brackets', () => {
  const folder = path.join(scratch(), 'fifty-thousand');
  mkdirSync(folder);
  for (let i = 0; i < 50_000; i++) writeFileSync(path.join(folder, `r${i}.json`), '{}');
  expectOneLine(cli(['signoff', folder, '--release', 'v0.9.0']),
    `error: no valid result record in RESULTS: ${folder}: 50000 *.json files, none a result record (no schemaVersion, runId and tests); skipped`);
  const deep = path.join(scratch(), 'deep');
  mkdirSync(deep);
  writeFileSync(path.join(deep, 'deep.json'), `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  expectOneLine(cli(['report', deep, '--release', 'v0.9.0', '--out', path.join(scratch(), 'deep-report')]),
    `error: no valid result record in RESULTS: ${deep}: 1 *.json file, none a result record (no schemaVersion, runId and tests); skipped`);
  expectOneLine(cli(['signoff', path.join(deep, 'deep.json'), '--release', 'v0.9.0']),
    `error: no valid result record in RESULTS: ${path.join(deep, 'deep.json')}:1:1: not a result record (no schemaVersion, runId and tests); skipped`);
});
