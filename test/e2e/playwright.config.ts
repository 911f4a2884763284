import { defineConfig } from '@playwright/test';

/** The end-to-end control-platform run: one real `coco-conformance run` on a local kubeadm cluster (bundle →
 *  cluster → control platform → every suite → records → report → signoff), then one check per conformance test.
 *  Serial, no retries: the run happens once, and a surprise must show. */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: '../build-cli.ts',
  timeout: 75 * 60_000,
  retries: 0,
  workers: 1,
  fullyParallel: false,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '../../test-results/e2e.json' }]] : 'list',
  outputDir: '../../test-results/e2e',
});
