import { defineConfig } from '@playwright/test';

/** The harness's own tests (not the conformance suites, which use ../playwright.config.ts). No retries: a flaky
 *  self-test must show as flaky, not pass quietly. */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './build-cli.ts',
  // The end-to-end control run has its own config (test/e2e/playwright.config.ts): it takes a real cluster.
  testIgnore: 'e2e/**',
  timeout: 120_000,
  retries: 0,
  workers: process.env.CI ? 1 : 2,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '../test-results/selftest.json' }]] : 'list',
  outputDir: '../test-results/selftest',
});
