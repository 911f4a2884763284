import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './arguments.ts';

/** Checks, before any work starts, that an output folder (`--out DIR`) can be used: it is a folder we may write in,
 *  or it does not exist yet and its nearest existing parent is a folder we may write in (it is created later).
 *  Otherwise a UsageError of one line, so a night's run does not fail at its last step on a typo in `--out`. */
export function checkOutputFolder(folder: string, flag = '--out'): void {
  const existing = nearestExisting(path.resolve(folder));
  const named = existing === path.resolve(folder) ? folder : `${folder} (its parent ${existing})`;
  if (!statSync(existing).isDirectory()) throw new UsageError(`${flag} ${named} is a file, not a folder`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new UsageError(`${flag} ${named} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The path itself when it exists, else its closest ancestor that does (the root always does). */
function nearestExisting(absolute: string): string {
  let current = absolute;
  for (;;) {
    try {
      statSync(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
