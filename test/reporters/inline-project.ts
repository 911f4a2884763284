import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSuiteEnvironment, type SuiteEnvironment } from '../../lib/suite-environment.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

export const REPORTER = join(SOURCE_ROOT, 'reporters', 'result-record-reporter.ts');
export const PLAYWRIGHT_CLI = join(SOURCE_ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

/** A throwaway Playwright project in the system temp folder (never under test-results/, which other Playwright
 *  runs clean), using this repository's node_modules through a symlink. */
export function writeInlineProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'coco-reporter-'));
  symlinkSync(join(SOURCE_ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Removes a project made by writeInlineProject (the node_modules symlink is removed, never followed). */
export function removeInlineProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The annotations the suites put on every conformance test. */
export const ANNOTATE = `
export const meta = (id, feature, variant, expected, extra = []) => ({ annotation: [
  { type: 'test-id', description: id }, { type: 'feature', description: feature }, { type: 'variant', description: variant },
  { type: 'expected', description: JSON.stringify(expected) }, ...extra] });
export const PASS = { expect: 'pass', claim: 'supported' };
export const FAIL = { expect: 'fail', claim: 'limitation', reason: 'SEV(-ES) does not support attestation.',
  signature: { step: 'assert: the log holds the resource value', pattern: 'should return the KBS resource', because: 'no attested guest' } };
`;

/** The project's Playwright config: the result-record reporter, which takes everything it records from the suite
 *  environment (COCO_SUITE_ENV: suiteEnvironmentFile), as under the conformance suites' config. */
export function configFile(retries = 1): string {
  return `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: '.', retries: ${retries}, workers: 1, fullyParallel: false, outputDir: 'pw-output',
  projects: [{ name: 'kata-qemu-tdx' }],
  reporter: [['line'], [${JSON.stringify(REPORTER)}]],
});
`;
}

/** A suite environment file in the project, as the pipeline writes one (lib/suite-environment.ts); the fields a test
 *  does not give are a self-test runner's. Returns the file, for COCO_SUITE_ENV. */
export function suiteEnvironmentFile(dir: string, fields: Partial<SuiteEnvironment>): string {
  const file = join(dir, 'suite-environment.json');
  writeSuiteEnvironment(file, {
    release: 'v9.9.9', platforms: [], expected: {}, runner: 'selftest-runner', runId: 'run', outDir: dir,
    kbs: { isDouble: false }, images: { kind: 'upstream' }, doubles: [], dryRun: false, nodeShell: 'none', ...fields,
  });
  return file;
}
