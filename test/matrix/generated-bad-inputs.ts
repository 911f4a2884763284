import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bad inputs that cannot live in the corpus as text files: each is written into `folder` by the test that uses it
 *  (bad-yaml.spec.ts in process, bad-input-cli.spec.ts through the CLI), with the exact message it must get. */
export interface GeneratedBadInput {
  name: string;
  /** Writes the input into `folder`; returns the file's path. */
  write: (folder: string) => string;
  /** The one line, with `{file}` for the path. */
  expected: string;
}

const FIFTY_MB = 50 * 1024 * 1024;

function writeInto(folder: string, name: string, bytes: Buffer | string): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

export const GENERATED_CASES: GeneratedBadInput[] = [
  {
    name: 'a binary file (a PNG header and every byte value)',
    write: (folder) => writeInto(folder, 'binary.yaml', Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256)),
    ])),
    expected: '{file}:1:1: (document): not a YAML text file (not valid UTF-8)',
  },
  {
    name: 'a NUL byte in otherwise valid text',
    write: (folder) => writeInto(folder, 'nul.yaml', 'schemaVersion: 1\nname: lo\0cal\nrunners: []\n'),
    expected: '{file}:2:9: (document): not a YAML text file (U+0000 is not a printable character)',
  },
  {
    name: 'Latin-1 text (é as one byte)',
    write: (folder) => writeInto(folder, 'latin1.yaml', Buffer.concat([Buffer.from('schemaVersion: 1\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')])),
    expected: '{file}:2:10: (document): not a YAML text file (not valid UTF-8)',
  },
  {
    name: 'a 50 MB file (refused by its size, before it is read)',
    write: (folder) => writeInto(folder, 'huge.yaml', Buffer.alloc(FIFTY_MB, '- lol\n')),
    expected: `{file}: (document): is ${FIFTY_MB} bytes; the limit is 262144`,
  },
];
