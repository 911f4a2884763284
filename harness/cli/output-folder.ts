import { accessSync, constants, mkdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { quote, UsageError } from './arguments.ts';

/** Makes sure, before any work starts, that an output folder (`--out DIR`) can be used: it is a folder we may write
 *  in, or it does not exist yet and its nearest existing parent is a folder we may write in. The missing folders
 *  are created here, one level at a time, a probe file is written, and all of it is removed again: a pseudo file system such as
 *  /proc passes the access check yet refuses every write (and node's recursive mkdir loops on it forever), so only a
 *  real write tells. Otherwise a UsageError of one line, so a night's run does not fail at its last step on a typo
 *  in `--out`. */
export function checkOutputFolder(folder: string, flag = '--out'): void {
  const absolute = path.resolve(folder);
  const existing = nearestExisting(absolute);
  const shown = quote(folder, false);
  const named = existing === absolute ? shown : `${shown} (its parent ${quote(existing, false)})`;
  if (!statSync(existing).isDirectory()) throw new UsageError(`${flag} ${named} is a file, not a folder`);
  const refused = (error: unknown) =>
    new UsageError(`${flag} ${named} is not writable (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw refused(error);
  }
  const missing = path.relative(existing, absolute).split(path.sep).filter(Boolean);
  const created: string[] = [];
  try {
    for (const part of missing) {
      const next = path.join(created.at(-1) ?? existing, part);
      mkdirSync(next);
      created.push(next);
    }
    const probe = path.join(absolute, `.coco-write-probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw refused(error);
  } finally {
    // The check leaves nothing behind: a run that then stops on bad input has no empty --out to explain.
    for (const folder of created.reverse()) rmdirSync(folder);
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
