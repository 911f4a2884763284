import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, loadReleaseProfile, loadRunnerMatrix } from '../../matrix/index.ts';
import { REPO_ROOT } from './repo-root.ts';

/** The bad-YAML corpus: each test/matrix/bad-yaml/<case>.yaml holds one mistake, <case>.expected the exact one-line
 *  message (`{file}` stands for the file's path). Files named profile-* are release profiles, matrix-* runner
 *  matrices (checked against the real matrix/releases). */
process.chdir(REPO_ROOT);
const CORPUS = 'test/matrix/bad-yaml';
const cases = readdirSync(CORPUS).filter((name) => name.endsWith('.yaml')).sort();

test('the corpus has a case for every kind of mistake the brief names', () => {
  expect(cases.length).toBeGreaterThanOrEqual(30);
  for (const name of cases) expect(name).toMatch(/^(profile|matrix)-[a-z0-9-]+\.yaml$/);
});

for (const name of cases) {
  test(`rejects ${name} with its exact message`, () => {
    const file = path.join(CORPUS, name);
    const expected = readFileSync(file.replace(/\.yaml$/, '.expected'), 'utf8').trimEnd().replace('{file}', file);
    const load = name.startsWith('profile-') ? loadReleaseProfile : loadRunnerMatrix;
    let thrown: unknown;
    try {
      load(file);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const message = (thrown as InputError).message;
    expect(message).toBe(expected);
    expect(message).not.toContain('\n');
  });
}
