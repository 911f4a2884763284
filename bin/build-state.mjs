// Whether the compiled CLI in dist/ (`npm run build`) matches the TypeScript it came from. Plain JavaScript: it runs
// before anything is compiled. `node bin/build-state.mjs stamp` marks a finished build (the last step of
// `npm run build`); `node bin/build-state.mjs check` prints the problem, if any, and exits 1 with it.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What tsconfig.build.json compiles; a change to any .ts file in these folders makes the build stale. */
export const SOURCE_FOLDERS = ['matrix', 'lib', 'reporters', 'fixtures', 'harness', 'scripts'];
/** Every other file the build reads, whose change makes it stale too: the configs, the lock that pins tsc and ajv
 *  (both write dist/), and the result record schema scripts/build/precompile-validators.ts compiles into
 *  dist/reporters/result-record-check.cjs (without it counted, a schema edit left that check behind unseen, and the
 *  report compiled its own at every start). */
export const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json', 'reporters/result-record.schema.json'];
/** From the checkout's root: what `stamp` writes when a build finished, and the compiled CLI. */
const STAMP_FILE = path.join('dist', '.build-stamp');
const ENTRY_FILE = path.join('dist', 'harness', 'cli', 'main.js');
export const STAMP = path.join(ROOT, STAMP_FILE);
export const ENTRY = path.join(ROOT, ENTRY_FILE);

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Undefined when dist/ is complete and newer than every file the build reads; otherwise one sentence saying what
 *  is wrong. `root` is the checkout (another only in the self-tests). */
export function buildProblem(root = ROOT) {
  const built = mtime(path.join(root, STAMP_FILE));
  if (built === undefined || mtime(path.join(root, ENTRY_FILE)) === undefined) return 'the compiled CLI (dist/) is missing';
  for (const input of BUILD_INPUTS) {
    if ((mtime(path.join(root, input)) ?? 0) > built) return `dist/ is older than ${input}`;
  }
  for (const folder of SOURCE_FOLDERS) {
    for (const entry of readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      if ((mtime(file) ?? 0) > built) return `dist/ is older than ${path.relative(root, file)}`;
    }
  }
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const action = process.argv[2];
  if (action === 'stamp') {
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  } else if (action === 'check') {
    const problem = buildProblem();
    if (problem) {
      console.error(`${problem}; run \`npm run build\``);
      process.exitCode = 1;
    }
  } else {
    console.error('usage: node bin/build-state.mjs stamp|check');
    process.exitCode = 2;
  }
}
