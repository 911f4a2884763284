import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcePath } from '../../matrix/source-root.ts';
import { parseDocument } from 'yaml';
import { runCommand } from '../exec/run-command.ts';

const CHART_SOURCE = sourcePath('lib/install-doubles/chart/confidential-containers');

export const CHART_DOUBLE_DESCRIPTION =
  'install: TEST DOUBLE of the Confidential Containers Helm chart (lib/install-doubles/chart) — the real chart\'s ' +
  'values keys and kata-as-coco-runtime alias, one RuntimeClass per enabled shim, a kata-deploy DaemonSet that only ' +
  'labels the node katacontainers.io/kata-runtime=true; installs no Kata Containers';

/** The chart double as a release ships it: the folder copied into `outDir`, stamped with the release's chart
 *  version and its kata version (the kata-deploy subchart's), packaged by helm. Returns the .tgz path. */
export async function packageChartDouble(helm: string, outDir: string, chartVersion: string, kataVersion: string): Promise<string> {
  const source = join(outDir, 'chart-double');
  rmSync(source, { recursive: true, force: true });
  cpSync(CHART_SOURCE, join(source, 'confidential-containers'), { recursive: true });
  stampChart(join(source, 'confidential-containers', 'Chart.yaml'), chartVersion, kataVersion);
  stampChart(join(source, 'confidential-containers', 'charts', 'kata-deploy', 'Chart.yaml'), kataVersion);
  await runCommand([helm, 'package', join(source, 'confidential-containers'), '--destination', outDir]);
  return join(outDir, `confidential-containers-${chartVersion}.tgz`);
}

/** The chart folder itself (helm template / lint in the self-tests read it as it is). */
export const CHART_DOUBLE_SOURCE = CHART_SOURCE;

function stampChart(file: string, version: string, dependencyVersion?: string): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.set('version', version);
  doc.set('appVersion', version);
  if (dependencyVersion) doc.setIn(['dependencies', 0, 'version'], dependencyVersion);
  writeFileSync(file, doc.toString());
}
