import { expect, test } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../lib/exec/run-command.ts';
import { developerCell, writeSuiteEnvironment } from '../../lib/suite-environment.ts';
import { encodedReleases, loadRelease, platformLabel, TEST_CATALOG } from '../../matrix/index.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// A developer's shell: no suite environment, no platform chosen, so every platform of the default release appears.
const DEVELOPER_ENV = { COCO_SUITE_ENV: undefined, COCO_PLATFORM: undefined, COCO_RELEASE: undefined, CI: undefined };

const scratch = scratchDirectory('suite-list');

async function list(...args: string[]): Promise<string> {
  return listIn(DEVELOPER_ENV, ...args);
}

async function listIn(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const result = await runCommand(['npx', 'playwright', 'test', '--list', ...args], { cwd: ROOT, env, timeoutMs: 90_000 });
  return result.stdout;
}

interface JsonSpec { title: string; tags: string[]; file: string; tests: { projectName: string }[] }
interface JsonSuite { specs?: JsonSpec[]; suites?: JsonSuite[] }

function specs(suite: JsonSuite): JsonSpec[] {
  return [...(suite.specs ?? []), ...(suite.suites ?? []).flatMap(specs)];
}

test('--list shows every catalog test for every platform of the default (newest) release, with its feature tag', async () => {
  const platforms = Object.keys(loadRelease(encodedReleases().at(-1)!).platforms);
  const text = await list();
  for (const platform of platforms) {
    for (const t of TEST_CATALOG) expect(text, `${platform} ${t.id}`).toMatch(new RegExp(`\\[${platform}\\] › [a-z-]+\\.spec\\.ts:\\d+:\\d+ › ${t.id}: `));
  }
  expect(text).toContain(`Total: ${platforms.length * TEST_CATALOG.length} tests`);

  const report = JSON.parse(await list('--reporter=json')) as { suites: JsonSuite[] };
  const all = report.suites.flatMap(specs);
  for (const t of TEST_CATALOG) {
    const spec = all.find((s) => s.title.startsWith(`${t.id}: `));
    expect(spec, t.id).toBeDefined();
    expect(spec?.tags).toEqual([t.feature, t.variant]);
    expect(spec?.file, t.id).toMatch(/^[a-z-]+\.spec\.ts$/);
    expect(spec?.tests.map((x) => x.projectName).sort()).toEqual([...platforms].sort());
  }
});

test('--grep @sealed-secrets selects one suite', async () => {
  const text = await list('--grep', '@sealed-secrets', '--project', 'snp');
  expect(text).toContain('sealed-secret/unsealed-with-resource');
  expect(text).toContain('sealed-secret/stays-sealed-without-resource');
  expect(text).toContain('sealed-secret/unsealed-as-file');
  expect(text).toContain('Total: 3 tests');
});

test('a cell on a runtime variant: the metadata of its project names the runtime class of the variant, the one its pods run', async () => {
  // tdx through the runtime-rs shim, on the newest release: the profile gives the variant its own class.
  const release = encodedReleases().at(-1)!;
  const tdx = loadRelease(release).platforms.tdx!;
  const variantClass = tdx.runtimeVariants?.['runtime-rs']?.runtimeClass;
  expect(variantClass, `${release} names a runtime-rs class for tdx`).toBeDefined();
  expect(variantClass, 'the variant runs another class than the platform').not.toBe(tdx.runtimeClass);
  const adhoc = developerCell(release, 'tdx', 'selftest-runner');
  const cell = { ...adhoc, id: adhoc.id.replace('/tdx/', `/${platformLabel('tdx', 'runtime-rs')}/`), runtimeVariant: 'runtime-rs' };
  const file = scratch('suite-environment.json');
  writeSuiteEnvironment(file, {
    cell, release, platforms: ['tdx'], expected: {}, runner: 'selftest-runner', runId: 'run', outDir: scratch('out'),
    kbs: { isDouble: false }, images: { kind: 'upstream' }, doubles: [], dryRun: true, nodeShell: 'none',
  });
  const report = JSON.parse(await listIn({ ...DEVELOPER_ENV, COCO_SUITE_ENV: file }, '--reporter=json')) as
    { config: { projects: { name: string; metadata: Record<string, unknown> }[] } };
  expect(report.config.projects.map((p) => [p.name, p.metadata.runtimeClass, p.metadata.cell])).toEqual([['tdx', variantClass, cell.id]]);
});
