import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The labels the Allure report's tree is grouped by, outermost first: the suites set each on every test
 *  (fixtures/artifacts/allure-labels.ts), as the compatibility report's grid reads feature × platform. */
export const ALLURE_GROUP_BY = ['feature', 'platform', 'release', 'runner'] as const;

/** The suites' raw Allure results under `outDir` (allure-playwright writes one folder per runner and cell under each
 *  `allure-results/`), turned into one Allure 3 report (the `allure` package from npm, its Awesome report as a
 *  single self-contained index.html) in `reportDir`, its tree grouped by ALLURE_GROUP_BY. Returns the HTML file, or
 *  undefined when there are no results to report on. Allure's own output is shown only when it fails. */
export async function writeAllureReport(outDir: string, reportDir: string): Promise<string | undefined> {
  const results = await resultFolders(outDir);
  if (!results.length) return undefined;
  const configDir = await mkdtemp(join(tmpdir(), 'coco-allure-'));
  try {
    const config = join(configDir, 'allurerc.mjs');
    await writeFile(config, `export default ${JSON.stringify({
      name: 'CoCo conformance',
      output: reportDir,
      plugins: { awesome: { options: { singleFile: true, reportName: 'CoCo conformance', groupBy: ALLURE_GROUP_BY } } },
    }, null, 2)};\n`);
    await promisify(execFile)(process.execPath, [allureCli(), 'generate', '--config', config, '--output', reportDir, ...results], {
      maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' },
    });
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
  return join(reportDir, 'index.html');
}

/** The allure CLI of the installed package (its bin is not among the package's exports). */
function allureCli(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('allure'))), '..', 'cli.js');
}

/** Every folder of results: the children of each `allure-results` folder under `outDir` (a run's cells each have
 *  theirs), in name order. */
async function resultFolders(outDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory()) continue;
      const path = join(folder, entry.name);
      if (entry.name === 'allure-results') {
        for (const child of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
          if (child.isDirectory()) found.push(join(path, child.name));
        }
      } else if (depth > 0) {
        await walk(path, depth - 1);
      }
    }
  };
  await walk(outDir, 4);
  return found;
}
