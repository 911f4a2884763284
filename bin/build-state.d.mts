/** Types of bin/build-state.mjs, for the tests' global setup. */
export const ROOT: string;
export const STAMP: string;
export const ENTRY: string;
export function buildProblem(): string | undefined;
