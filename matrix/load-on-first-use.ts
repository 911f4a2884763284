import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

/** A library that only some work needs (ajv to validate, yaml to parse), loaded the first time that work is done
 *  rather than at every start: `--help`, `--version` and a command whose profiles come from the profile cache never
 *  pay for it (together they were a quarter of a start). Both are CommonJS packages, which `require` loads at once;
 *  an `import` of the same package elsewhere gets the very same module. */
export function loadOnFirstUse<T>(specifier: string): () => T {
  let library: T | undefined;
  return () => (library ??= requireFromHere(specifier) as T);
}
