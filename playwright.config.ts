import { defineConfig, type PlaywrightTestConfig, type Project } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allureResultsDir, pinSuiteEnvironment } from './lib/suite-environment.ts';
import { loadRelease, podKernelParams, profileForCell, type PlatformId } from './matrix/index.ts';

/** The conformance suites (the harness's own tests use test/playwright.config.ts). Everything comes from the suite
 *  environment (COCO_SUITE_ENV, or a developer's, pinned here for the run) and the release profile: one project per
 *  platform of the cell (or of COCO_PLATFORM, or every platform of the release), timeouts from the profile. */
// Under `coco-conformance run`, which writes the suite environment: asked before a developer's is pinned.
const underRun = Boolean(process.env.COCO_SUITE_ENV);
// Workers re-read this file; they inherit COCO_SUITE_ENV, so all of them read the environment settled here.
const env = pinSuiteEnvironment();
// Secrets the workers register (registry passwords, KBS keys, sealed values) reach the reporter through this file,
// so it redacts them too (lib/exec/redact.ts). Private, and outside the results folder. Given (`coco-conformance
// run`, .ci/run, the e2e control run), it is the caller's, kept for the secret scan after the run. Made here, it is
// this process's: the one Playwright runs the reporter in, parent of the workers (they inherit the variable and never
// make one), so it outlives them all and goes when this process exits.
if (!process.env.COCO_SECRETS_FILE) {
  const secretsDir = mkdtempSync(join(tmpdir(), 'coco-secrets-'));
  process.env.COCO_SECRETS_FILE = join(secretsDir, 'secrets');
  process.on('exit', () => rmSync(secretsDir, { recursive: true, force: true }));
}
const profile = loadRelease(env.release);
const undefinedPlatform = env.platforms.find((p) => !profile.platforms[p]);
if (undefinedPlatform) {
  throw new Error(`COCO_PLATFORM: release ${profile.release} defines no platform "${undefinedPlatform}" (it defines ${Object.keys(profile.platforms).join(', ')})`);
}
const platforms: PlatformId[] = env.cell
  ? [env.cell.platform]
  : env.platforms.length ? (env.platforms as PlatformId[]) : (Object.keys(profile.platforms) as PlatformId[]);
const outDir = resolve(env.outDir);
// The release as the cell's fixtures see it: on a runtime variant, the variant's runtime class and handler.
const cellProfile = profileForCell(profile, env.cell);

const projects: Project[] = platforms.map((platform) => ({
  name: platform,
  use: { platform },
  metadata: { platform, runtimeClass: cellProfile.platforms[platform]?.runtimeClass ?? null, release: profile.release, cell: env.cell?.id ?? null },
}));

function environmentInfo(): Record<string, string> {
  const info: Record<string, string> = { release: profile.release, runner: env.runner, runId: env.runId };
  if (env.cell) info.cell = env.cell.id;
  if (env.doubles.length) info.doubles = env.doubles.join(', ');
  if (!env.environmentFile) return info;
  try {
    const facts = JSON.parse(readFileSync(env.environmentFile, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(facts)) {
      if (value !== undefined && value !== null) info[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  } catch (error) {
    info.environmentFileError = `failed to read ${env.environmentFile}: ${(error as Error).message}`;
  }
  return info;
}

// Each run of each runner and cell writes its own allure folder (allureResultsDir).
const allureDir = allureResultsDir(env);

// `--list` runs nothing: it must not leave empty result records or allure folders behind.
const listing = process.argv.includes('--list');
// Reporter files by absolute path: a config that extends this one (a self-test's double suite) lives elsewhere.
const reporterFile = (name: string) => resolve(import.meta.dirname, 'reporters', name);
const reporter: PlaywrightTestConfig['reporter'] = listing ? [['list']] : [
  [process.env.CI ? 'line' : 'list'],
  // Under `coco-conformance run`: one marked line per finished test, which run shows live.
  ...(underRun ? [[reporterFile('progress-line-reporter.ts')] as [string]] : []),
  // Everything it records comes from the suite environment, as the fixtures' facts do.
  [reporterFile('result-record-reporter.ts')],
  ['allure-playwright', {
    resultsDir: allureDir,
    environmentInfo: environmentInfo(),
    globalLabels: [{ name: 'release', value: profile.release }],
  }],
];

export default defineConfig({
  testDir: './suites',
  testMatch: '**/*.spec.ts',
  timeout: profile.timeouts.testSeconds * 1000,
  // No retries by default: a retry would hide a failure. COCO_RETRIES lets a nightly label flakiness instead.
  retries: Number(process.env.COCO_RETRIES ?? 0),
  // One file runs in order in one worker (upstream images share key paths); files run in parallel — except where a
  // test rebuilds the node's one secure image (IBM SE): a pod of another file started meanwhile would boot it, so
  // such a run goes one test at a time, as upstream's bats do.
  fullyParallel: false,
  workers: platforms.some((p) => podKernelParams(cellProfile, p).via === 'rebuild') ? 1 : Number(process.env.COCO_WORKERS ?? 2),
  outputDir: join(outDir, 'test-results'),
  reporter,
  projects,
});
