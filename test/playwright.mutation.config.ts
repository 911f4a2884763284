import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import selftests from './playwright.config.ts';

/** The self-tests as StrykerJS runs them once per mutant (scripts/mutation/run.mjs): the same tests, without the
 *  global setup that rebuilds the CLI (dist/) when it is older than the source. The mutated cores are tested in
 *  process, never through the CLI, and in Stryker's sandbox every mutant looked stale: each run started a
 *  whole-project build that, on two busy cores, outlasted the mutant's timeout — counted "timed out", i.e.
 *  detected, whatever the tests said. */
export default defineConfig({
  ...selftests,
  testDir: import.meta.dirname,
  globalSetup: undefined,
  outputDir: resolve(import.meta.dirname, '../test-results/mutation'),
  reporter: 'dot',
});
