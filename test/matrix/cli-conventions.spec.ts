import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** The conventions of the field's CLIs (kubectl, helm, kind, playwright), through the real binary. */
test.describe.configure({ mode: 'parallel' });

const BIN = path.join(SOURCE_ROOT, 'bin/coco-conformance.mjs');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: SOURCE_ROOT, encoding: 'utf8', timeout: 60_000 });
const version = (JSON.parse(readFileSync(path.join(SOURCE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('--version, -V and version print the version from package.json', () => {
  for (const flag of ['--version', '-V', 'version']) {
    const result = cli(flag);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`coco-conformance ${version} (node ${process.version})\n`);
  }
});

test('--help lists every command; each command\'s --help describes every flag it takes and its exit codes', () => {
  const top = cli('--help');
  expect(top.status).toBe(0);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2,}\S/gm)].map((m) => m[1]!).filter((c) => !['version', 'help'].includes(c));
  expect(commands).toEqual(expect.arrayContaining(['plan', 'run', 'report', 'signoff', 'doctor', 'cleanup', 'releases', 'diff-release']));
  for (const command of commands) {
    const help = cli(command, '--help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: coco-conformance ${command} `));
    expect(help.stdout).toContain('\nExit codes:\n');
    // Every flag line has a description after its name: `--flag <VALUE>  what it does`.
    const flagLines = help.stdout.split('\n').filter((line) => /^ {2}(-h, )?--/.test(line));
    for (const line of flagLines) expect(line, `${command}: ${line}`).toMatch(/^ {2}(-h, )?--[a-z-]+( <[^>]+>)? {2,}\S/);
    // The flags the parser names in its unknown-flag message are exactly the ones described.
    const unknown = cli(command, '--no-such-flag');
    const named = /\(flags: ([^)]*)\)/.exec(unknown.stderr)?.[1]?.split(', ') ?? [];
    const described = flagLines.map((line) => /--[a-z-]+/.exec(line)![0]);
    expect(described.sort(), command).toEqual(named.sort());
  }
  expect(cli('help', 'plan').stdout).toBe(cli('plan', '--help').stdout);
});

test('a closed pipe ends the output quietly: `releases | head -1` prints no stack', () => {
  const result = spawnSync('bash', ['-c', `set -o pipefail; node ${BIN} releases | head -1`], { cwd: SOURCE_ROOT, encoding: 'utf8' });
  expect(result.stdout).toMatch(/^RELEASE +DATE/);
  expect(result.stdout.split('\n')).toHaveLength(2);
  expect(result.stderr).toBe('');
  // Megabytes of output into a pipe closed after one line: the writer meets EPIPE for certain.
  const big = spawnSync('bash', ['-c', `set -o pipefail; node ${BIN} plan --json --matrix matrix/all-releases.yaml | head -c 100`], { cwd: SOURCE_ROOT, encoding: 'utf8' });
  expect(big.stdout).toMatch(/^\{"matrix":"matrix\/all-releases\.yaml","cells":\[/);
  expect(big.stderr).toBe('');
});
