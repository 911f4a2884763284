import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { scratchDirectory } from './scratch-directory.ts';

/** The CI secret scan (scripts/ci/scan-secrets.ts) over output folders, with secrets registered the way the harness
 *  registers them (the real fixtures, through COCO_SECRETS_FILE), planted in the forms they take in real outputs:
 *  a Playwright run's trace and allure attachments, base64 inside a larger blob, gzip, a JSON record. */
const repo = join(import.meta.dirname, '..', '..');
const scanner = join(repo, 'scripts', 'ci', 'scan-secrets.ts');
const tsx = join(repo, 'node_modules', '.bin', 'tsx');
const scratch = scratchDirectory('secret-scan');

interface RegisteredSecrets {
  file: string;
  username: string;
  password: string;
  basic: string;
  pem: string;
  resource: string;
  sealed: string;
}

let secrets: RegisteredSecrets;

/** Registers a registry login, a KBS admin key pair, a KBS resource value and a sealed plaintext in a child process,
 *  as a worker does, into a secrets file outside every output folder. */
function registerSecrets(): RegisteredSecrets {
  const file = join(scratch(), 'private', 'secrets');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const code = `
    import { randomBytes } from 'node:crypto';
    import { readFileSync } from 'node:fs';
    import { generateAdminKeyPair } from './lib/kbs/admin-key-pair.ts';
    import { basicAuth, generateRegistryCredentials } from './lib/registry/registry-credentials.ts';
    import { registerSecret } from './lib/exec/redact.ts';
    const credentials = generateRegistryCredentials();
    const keys = generateAdminKeyPair(process.env.KEY_DIR);
    // '~' (0x7e) sets a '+' in the base64 of any text holding eight of them, at any alignment: the value's base64 and
    // base64url forms always differ.
    const resource = randomBytes(8).toString('hex') + '~~~~~~~~' + randomBytes(4).toString('hex');
    registerSecret(resource, 'kbs default/aa/key-selftest');
    const sealed = 'unsealed_secret_' + randomBytes(6).toString('hex');
    registerSecret(sealed, 'kbs default/sealed-secret/test-selftest');
    console.log(JSON.stringify({ ...credentials, basic: basicAuth(credentials), pem: readFileSync(keys.privateKeyFile, 'utf8'), resource, sealed }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, COCO_SECRETS_FILE: file, KEY_DIR: join(dirname(file), 'kbs') },
  });
  expect(child.status, child.stderr).toBe(0);
  return { file, ...JSON.parse(child.stdout) };
}

function scan(args: string[]) {
  // Run from the scratch folder, so the paths it prints are the output folders' own.
  const child = spawnSync(tsx, [scanner, ...args], { cwd: scratch(), encoding: 'utf8' });
  const output = `${child.stdout}${child.stderr}`;
  // Whatever the outcome, the scan itself never prints a secret.
  for (const value of [secrets.password, secrets.basic, secrets.pem.trim(), secrets.resource, secrets.sealed]) {
    expect(output.includes(value), 'the scan output holds no secret value').toBe(false);
    expect(output.includes(Buffer.from(value).toString('base64')), 'the scan output holds no base64 secret').toBe(false);
  }
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, hits: child.stdout.split('\n').filter((l) => l.includes(' HIT ')) };
}

function writeUnder(root: string, path: string, content: string | Buffer): string {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return relative(scratch(), file);
}

function outputFolder(name: string): string {
  const dir = join(scratch(), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A real Playwright run (trace on, allure-playwright as the suites use it) whose one test puts a KBS resource value
 *  in a step title and in attachments — as an unredacted error or log would — and whose other test stays clean. */
function playwrightRun(out: string): void {
  const playwrightTest = join(repo, 'node_modules', '@playwright', 'test', 'index.mjs');
  const allure = join(repo, 'node_modules', 'allure-playwright', 'dist', 'cjs', 'index.js');
  const source = join(scratch(), 'planted-run');
  mkdirSync(source, { recursive: true });
  writeFileSync(join(source, 'playwright.config.mjs'), `export default ${JSON.stringify({
    testDir: '.', testMatch: 'planted.spec.mjs', outputDir: join(out, 'test-results'), workers: 1,
    use: { trace: 'on' }, reporter: [[allure, { resultsDir: join(out, 'allure-results', 'runner--cell') }]],
  })};\n`);
  writeFileSync(join(source, 'planted.spec.mjs'), `
    import { test } from ${JSON.stringify(playwrightTest)};
    const { PLANTED_RESOURCE, PLANTED_DOCKER_CONFIG } = process.env;
    test('plants the secrets', async ({}, testInfo) => {
      await test.step('fetch the resource: ' + PLANTED_RESOURCE, async () => {});
      await testInfo.attach('kbs log', { body: Buffer.concat([Buffer.from([0, 159, 255, 7]), Buffer.from('released ' + PLANTED_RESOURCE + '\\n')]), contentType: 'application/octet-stream' });
      await testInfo.attach('pull secret', { body: PLANTED_DOCKER_CONFIG, contentType: 'text/plain' });
    });
    test('stays clean', async ({}, testInfo) => {
      await test.step('fetch the resource: ' + ${JSON.stringify(randomBytes(16).toString('base64'))}, async () => {});
      await testInfo.attach('kbs log', { body: 'released nothing\\n', contentType: 'text/plain' });
    });
  `);
  // A Kubernetes pull secret's .dockerconfigjson: the base64 user:pass, base64 encoded once more inside a JSON blob.
  const dockerConfig = Buffer.from(JSON.stringify({ auths: { '127.0.0.1:5000': { auth: secrets.basic } } })).toString('base64');
  const run = spawnSync('npx', ['playwright', 'test', '-c', join(source, 'playwright.config.mjs')], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, CI: '', PLANTED_RESOURCE: secrets.resource, PLANTED_DOCKER_CONFIG: dockerConfig },
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
}

test.beforeAll(() => {
  secrets = registerSecrets();
});

test('the real fixtures registered every secret the scan looks for', () => {
  const lines = readFileSync(secrets.file, 'utf8').trim().split('\n');
  const labels = lines.map((line) => Buffer.from(line.split(' ')[0]!, 'base64').toString('utf8'));
  for (const label of ['registry-password', 'registry-password (base64 user:pass)', 'kbs-admin-key', 'kbs default/aa/key-selftest', 'kbs default/sealed-secret/test-selftest']) {
    expect(labels).toContain(`[secret:${label}]`);
  }
});

test('a clean output folder passes and says how much it scanned', () => {
  const out = outputFolder('clean');
  writeUnder(out, 'records/v0.9.0_control.json', JSON.stringify({ tests: [{ id: 'sealed-secret/unsealed-with-resource', error: 'PROTECTED_SECRET = [secret:kbs default/sealed-secret/test-selftest]' }] }));
  writeUnder(out, 'artifacts/cell/allure-results/runner--cell/0d1f-attachment', randomBytes(256 * 1024));
  writeUnder(out, 'logs/cell/kubelet.log.gz', gzipSync(Buffer.from('kubelet started\n'.repeat(1000))));
  const distinct = readFileSync(secrets.file, 'utf8').trim().split('\n').length;
  const result = scan(['--secrets', secrets.file, 'clean']);
  expect(result.status, result.stdout + result.stderr).toBe(0);
  expect(result.stdout.trim()).toBe(`secret scan: 3 files, ${distinct} secrets, no hit`);
});

test('a real Playwright run: the secret in a deflated trace, in allure attachments and base64 in a pull secret is found', () => {
  const out = outputFolder('playwright-run');
  playwrightRun(out);
  const testDirs = readdirSync(join(out, 'test-results'));
  const plantedDir = testDirs.find((d) => d.includes('plants'));
  const cleanDir = testDirs.find((d) => d.includes('clean'));
  expect(plantedDir && cleanDir, `one folder per test in ${testDirs.join(', ')}`).toBeTruthy();
  // The trace is a zip of deflated members: the value is not in its raw bytes, only in what they inflate to.
  const trace = readFileSync(join(out, 'test-results', plantedDir!, 'trace.zip'));
  expect(trace.includes(secrets.resource)).toBe(false);

  const clean = scan(['--secrets', secrets.file, join('playwright-run', 'test-results', cleanDir!)]);
  expect(clean.status, clean.stdout).toBe(0);
  expect(clean.stdout).toMatch(/^secret scan: 1 files, \d+ secrets, no hit$/m);

  const result = scan(['--secrets', secrets.file, 'playwright-run']);
  expect(result.status, result.stdout + result.stderr).toBe(1);
  const tracePlace = join('playwright-run', 'test-results', plantedDir!, 'trace.zip');
  expect(result.hits.some((l) => l.startsWith(`secret scan: HIT ${tracePlace}!`) && l.includes('"kbs default/aa/key-selftest" (as is')), result.stdout).toBe(true);
  const attachments = join('playwright-run', 'allure-results', 'runner--cell');
  const attachmentHits = result.hits.filter((l) => l.startsWith(`secret scan: HIT ${attachments}/`) && /-attachment[^:]*: /.test(l));
  expect(attachmentHits.some((l) => l.includes('"kbs default/aa/key-selftest" (as is')), result.stdout).toBe(true);
  expect(attachmentHits.some((l) => l.includes('"registry-password (base64 user:pass)" (base64')), result.stdout).toBe(true);
  // Nothing of the clean test is named.
  expect(result.hits.filter((l) => l.includes(cleanDir!))).toEqual([]);
  expect(result.stdout.trim().split('\n').at(-1)).toBe(`secret scan: ${countFiles(out)} files, ${readFileSync(secrets.file, 'utf8').trim().split('\n').length} secrets, ${result.hits.length} hits, 0 unreadable`);
});

test('base64 and base64url at every byte alignment inside a larger encoded blob are found', () => {
  const out = outputFolder('encoded');
  const planted: string[] = [];
  for (const shift of [0, 1, 2]) {
    const blob = Buffer.from(`${'x'.repeat(10 + shift)}resource=${secrets.resource};more`);
    planted.push(writeUnder(out, `artifacts/cell/secret-${shift}.yaml`, `data:\n  config: ${blob.toString('base64')}\n`));
    planted.push(writeUnder(out, `artifacts/cell/secret-${shift}.url`, `https://example.invalid/?q=${blob.toString('base64url')}`));
  }
  const result = scan(['--secrets', secrets.file, 'encoded']);
  expect(result.status).toBe(1);
  for (const place of planted) {
    const form = place.endsWith('.url') ? 'base64url' : 'base64';
    expect(result.hits, place).toContain(`secret scan: HIT ${place}: secret #${secretLine(secrets.resource)} "kbs default/aa/key-selftest" (${form})`);
  }
});

test('the admin key as JSON-escaped PEM, its body alone, and gzipped logs are found', () => {
  const out = outputFolder('forms');
  const record = writeUnder(out, 'v0.9.0_control--local.json', JSON.stringify({ tests: [{ error: `failed to sign: ${secrets.pem}` }] }));
  const body = secrets.pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const describe = writeUnder(out, 'logs/cell/describe.txt', `annotations: key=${body}\n`);
  const gzipped = writeUnder(out, 'logs/cell/kbs.log.gz', gzipSync(Buffer.from(`level=info released ${secrets.sealed}\n`)));
  const result = scan(['--secrets', secrets.file, 'forms']);
  expect(result.status).toBe(1);
  // The PEM is registered whole and as its body alone (lib/kbs/admin-key-pair.ts).
  const pemLine = secretLine(secrets.pem);
  const bodyLine = secretLine(body);
  expect(result.hits).toContain(`secret scan: HIT ${record}: secret #${pemLine} "kbs-admin-key" (line 2 of it, JSON-escaped)`);
  expect(result.hits).toContain(`secret scan: HIT ${describe}: secret #${bodyLine} "kbs-admin-key" (as is)`);
  expect(result.hits.find((l) => l.startsWith(`secret scan: HIT ${gzipped} (gunzipped): `)), result.stdout).toContain('"kbs default/sealed-secret/test-selftest" (as is)');
  // The compressed bytes hold no copy: only the gunzipped stream does.
  expect(result.hits.filter((l) => l.startsWith(`secret scan: HIT ${gzipped}: `))).toEqual([]);
});

test('a secret across the boundary of two reads of a large file is found', () => {
  const out = outputFolder('large');
  const chunk = 1 << 20;
  const at = chunk - Math.floor(secrets.sealed.length / 2);
  const content = Buffer.alloc(3 * chunk, 'a');
  content.write(secrets.sealed, at);
  const file = writeUnder(out, 'logs/cell/containerd.log', content);
  const result = scan(['--secrets', secrets.file, 'large']);
  expect(result.status).toBe(1);
  expect(result.hits).toEqual([`secret scan: HIT ${file}: secret #${secretLine(secrets.sealed)} "kbs default/sealed-secret/test-selftest" (as is)`]);
});

test('bad input is one line and exit 2: no secrets file, a malformed or empty one, one inside the outputs, a label missing', () => {
  outputFolder('bad');
  const malformed = join(scratch(), 'private', 'malformed');
  writeFileSync(malformed, `${readFileSync(secrets.file, 'utf8')}not base64 at all ${secrets.password}\n`);
  const empty = join(scratch(), 'private', 'empty');
  writeFileSync(empty, '');
  const inside = writeUnder(join(scratch(), 'bad'), 'secrets', readFileSync(secrets.file));
  const cases: Array<[string[], RegExp]> = [
    [['bad'], /--secrets FILE is required/],
    [['--secrets', join(scratch(), 'private', 'absent'), 'bad'], /absent: \(file\): failed to read the secrets file: ENOENT/],
    [['--secrets', malformed, 'bad'], new RegExp(`malformed:${readFileSync(secrets.file, 'utf8').trim().split('\n').length + 1}:1: entry: expected "<base64 replacement> <base64 value>"`)],
    [['--secrets', empty, 'bad'], /empty: \(file\): holds no secret/],
    [['--secrets', inside, 'bad'], /lies inside bad; keep it outside every output folder/],
    [['--secrets', secrets.file, '--expect-label', 'image key', 'bad'], /none of its \d+ secrets is labelled "image key…"/],
    [['--secrets', secrets.file, 'no-such-folder'], /no-such-folder is not a folder/],
  ];
  for (const [args, message] of cases) {
    const result = scan(args);
    expect(result.status, args.join(' ')).toBe(2);
    expect(result.stdout, args.join(' ')).toBe('');
    expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    expect(result.stderr, args.join(' ')).toMatch(message);
  }
});

function secretLine(value: string): number {
  const lines = readFileSync(secrets.file, 'utf8').split('\n');
  return lines.findIndex((line) => line.split(' ')[1] === Buffer.from(value).toString('base64')) + 1;
}

function countFiles(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
}
