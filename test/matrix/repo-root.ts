import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. Matrix messages name files relative to the working directory, so the tests run from here. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
