import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder `npm run build` compiles the TypeScript into, mirroring the source tree (dist/matrix/…). */
export const BUILD_DIR = 'dist';

/** The checkout's root, whether this module runs from its TypeScript source (matrix/) or from the build
 *  (dist/matrix/). Data files — release profiles, matrices, JSON schemas, shell scripts — are not copied into the
 *  build, so every module that reads one resolves it here, never relative to its own file. The source root is the
 *  folder that holds package.json; the build folder has none. */
const above = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SOURCE_ROOT = existsSync(path.join(above, 'package.json')) ? above : path.dirname(above);
/** This code runs from the build (dist/), not from the TypeScript source. */
export const RUNNING_FROM_BUILD = SOURCE_ROOT !== above;

/** A file or folder of the checkout, by its path from the root ('matrix/releases'). */
export function sourcePath(relative: string): string {
  return path.join(SOURCE_ROOT, relative);
}
