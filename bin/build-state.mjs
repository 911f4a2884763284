// Whether the compiled CLI in dist/ (`npm run build`) matches the TypeScript it came from. Plain JavaScript: it runs
// before anything is compiled. `node bin/build-state.mjs stamp` marks a finished build (the last step of
// `npm run build`); `node bin/build-state.mjs check` prints the problem, if any, and exits 1 with it.
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What tsconfig.build.json compiles; a change to any .ts file in these folders (or to the configs) makes the
 *  build stale. */
const SOURCE_FOLDERS = ['matrix', 'lib', 'reporters', 'fixtures', 'harness', 'scripts'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];
export const STAMP = path.join(ROOT, 'dist', '.build-stamp');
export const ENTRY = path.join(ROOT, 'dist', 'harness', 'cli', 'main.js');

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Undefined when dist/ is complete and newer than every source file; otherwise one sentence saying what is wrong. */
export function buildProblem() {
  const built = mtime(STAMP);
  if (built === undefined || mtime(ENTRY) === undefined) return 'the compiled CLI (dist/) is missing';
  for (const config of CONFIGS) {
    if ((mtime(path.join(ROOT, config)) ?? 0) > built) return `dist/ is older than ${config}`;
  }
  for (const folder of SOURCE_FOLDERS) {
    for (const entry of readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = path.join(entry.parentPath ?? entry.path, entry.name);
      if ((mtime(file) ?? 0) > built) return `dist/ is older than ${path.relative(ROOT, file)}`;
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
