/** Types of bin/build-state.mjs, for the tests' global setup. */
export const ROOT: string;
export const STAMP: string;
export const ENTRY: string;
export const SOURCE_FOLDERS: readonly string[];
export const BUILD_INPUTS: readonly string[];
export function buildProblem(root?: string): string | undefined;
