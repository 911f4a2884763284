import { expect, test } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, loadReleaseProfile, loadRunnerMatrix } from '../../matrix/index.ts';
import { GENERATED_CASES } from './generated-bad-inputs.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

/** The bad-YAML corpus: each test/matrix/bad-yaml/<case>.yaml holds one mistake, <case>.expected the exact one-line
 *  message (`{file}` stands for the file's path). Files named profile-* are release profiles, matrix-* runner
 *  matrices (checked against the real matrix/releases). Inputs that cannot be committed as text (binary, 50 MB)
 *  are written by generated-bad-inputs.ts into a temporary folder. */
process.chdir(SOURCE_ROOT);
const CORPUS = 'test/matrix/bad-yaml';
const scratch = scratchDirectory('bad-yaml');
const cases = readdirSync(CORPUS).filter((name) => name.endsWith('.yaml')).sort();

function thrownBy(load: () => unknown): unknown {
  try {
    load();
  } catch (error) {
    return error;
  }
  return undefined;
}

test('the corpus has a case for every kind of mistake the loaders must refuse', () => {
  expect(cases.length).toBeGreaterThanOrEqual(40);
  for (const name of cases) expect(name).toMatch(/^(profile|matrix)-[a-z0-9-]+\.yaml$/);
  for (const hostile of ['matrix-alias-bomb', 'matrix-nesting-100', 'profile-tab-indentation', 'matrix-duplicate-key']) {
    expect(cases).toContain(`${hostile}.yaml`);
  }
});

for (const name of cases) {
  test(`rejects ${name} with its exact message`, () => {
    const file = path.join(CORPUS, name);
    const expected = readFileSync(file.replace(/\.yaml$/, '.expected'), 'utf8').trimEnd().replace('{file}', file);
    const load = name.startsWith('profile-') ? loadReleaseProfile : loadRunnerMatrix;
    const thrown = thrownBy(() => load(file));
    expect(thrown).toBeInstanceOf(InputError);
    const message = (thrown as InputError).message;
    expect(message).toBe(expected);
    expect(message).not.toContain('\n');
  });
}

test.describe('generated bad inputs', () => {
  for (const generated of GENERATED_CASES) {
    test(`rejects ${generated.name} with its exact message`, () => {
      const file = generated.write(scratch());
      const thrown = thrownBy(() => loadRunnerMatrix(file));
      expect(thrown).toBeInstanceOf(InputError);
      expect((thrown as InputError).message).toBe(generated.expected.replace('{file}', file));
    });
  }

  test('the message for a binary file never quotes its bytes', () => {
    const file = path.join(scratch(), 'quoted.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('schemaVersion: 1\nname: "'), Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe]), Buffer.from('"\n')]));
    const message = (thrownBy(() => loadRunnerMatrix(file)) as InputError).message;
    expect(message).toBe(`${file}:2:12: (document): not a YAML text file (not valid UTF-8)`);
    expect(message).not.toContain('\x1b');
  });

  test('a folder named as a matrix is refused as a folder', () => {
    const sub = path.join(scratch(), 'a-folder.yaml');
    mkdirSync(sub, { recursive: true });
    expect((thrownBy(() => loadRunnerMatrix(sub)) as InputError).message).toBe(`${sub}: (document): is a folder, not a file`);
  });
});
