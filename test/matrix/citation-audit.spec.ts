import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { runCommand } from '../../lib/exec/run-command.ts';
import { loadRelease } from '../../matrix/index.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';
import { oneCommitMirror } from '../support/git-mirror.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** scripts/audit/citations-past-end.ts judges a citation only where the mirrors hold the file at a pinned ref. Mirrors
 *  it cannot read, or a release it does not know, must stop it in one line (exit 2), not end in "no citation past the
 *  end of its file" having judged nothing. Real git repositories, made here. */
const scratch = scratchDirectory('citation-audit');
const MIRRORS = ['kata-containers+kata-containers', 'confidential-containers+trustee', 'confidential-containers+guest-components', 'confidential-containers+operator'];

async function audit(...args: string[]) {
  return runCommand(['npx', '--no-install', 'tsx', 'scripts/audit/citations-past-end.ts', ...args], { cwd: SOURCE_ROOT, nothrow: true, timeoutMs: 120_000 });
}

/** The four mirrors as git repositories with one commit and no tag. */
async function mirrorsWithoutTags(): Promise<string> {
  const root = freshFolder(scratch);
  for (const name of MIRRORS) await oneCommitMirror(root, name);
  return root;
}

test('mirrors without the release\'s pinned ref stop the audit, naming the mirror and the ref', async () => {
  const mirrors = await mirrorsWithoutTags();
  const kata = loadRelease('v0.14.0').components.kata.version;
  const result = await audit('--mirrors', mirrors, 'v0.14.0');
  expect(result.stdout).not.toContain('no citation past the end');
  expect(result.stderr.trim()).toBe(`citations-past-end: ${join(mirrors, MIRRORS[0]!, 'repo')} has no ref ${kata}: the citations at it cannot be judged`);
  expect(result.exitCode).toBe(2);
});

test('a folder without the mirrors, an unknown release, no --mirrors: one line each, exit 2', async () => {
  const empty = freshFolder(scratch);
  for (const [args, line] of [
    [['--mirrors', empty, 'v0.14.0'], `citations-past-end: ${join(empty, MIRRORS[0]!, 'repo')} is not a git mirror`],
    [['--mirrors', empty, 'v0.99.0'], /^citations-past-end: no release profile for v0\.99\.0 \(encoded: v0\.9\.0, .*v0\.14\.0.*\)$/],
    [['v0.14.0'], 'citations-past-end: --mirrors <dir> is required (the folder holding <owner>+<name>/repo bare mirrors)'],
  ] as const) {
    const result = await audit(...args);
    if (typeof line === 'string') expect(result.stderr.trim(), args.join(' ')).toBe(line);
    else expect(result.stderr.trim(), args.join(' ')).toMatch(line);
    expect(result.exitCode, args.join(' ')).toBe(2);
  }
});
