import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The labels the Allure report's tree is grouped by, outermost first: the suites set each on every test
 *  (fixtures/artifacts/allure-labels.ts), as the compatibility report's grid reads feature × platform. */
export const ALLURE_GROUP_BY = ['feature', 'platform', 'release', 'runner'] as const;

/** The suites' raw Allure results in `resultFolders` (the folders this run's cells wrote, CellResult.allureResults:
 *  never every folder under --out, which a runner that keeps its results night after night fills), turned into one
 *  Allure 3 report (the `allure` package from npm, its Awesome report as a single self-contained index.html) in
 *  `reportDir`, its tree grouped by ALLURE_GROUP_BY. Returns the HTML file, or undefined when none of the folders
 *  holds a result (a cell stopped before its suites wrote any). Allure's own output is shown only when it fails. */
export async function writeAllureReport(resultFolders: readonly string[], reportDir: string): Promise<string | undefined> {
  const results = await foldersWithResults(resultFolders);
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

/** The folders that exist and hold an Allure result file (`*-result.json`), once each, in the order given. */
async function foldersWithResults(folders: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const folder of new Set(folders)) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    if (names.some((name) => name.endsWith('-result.json'))) found.push(folder);
  }
  return found;
}
