import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument, stringify } from 'yaml';
import { compareReleases } from '../../matrix/load-release-profile.ts';
import { isMap } from '../../matrix/object-path.ts';
import { sourcePath } from '../../matrix/source-root.ts';
import { runCommand } from '../exec/run-command.ts';

const CHART_SOURCE = sourcePath('lib/install-doubles/chart/confidential-containers');
const SHAPES_DIR = sourcePath('lib/install-doubles/chart/kata-deploy-shapes');
const KATA_DEPLOY = join('charts', 'kata-deploy');

/** kata-deploy's chart at one kata tag, as the chart double needs it (lib/install-doubles/chart/kata-deploy-shapes/
 *  <tag>.yaml): its values with their defaults, the keys a shim entry may carry, how its templates behave where the
 *  tags differ, and the pod overhead per shim. */
export interface KataDeployShape {
  kata: string;
  values: Record<string, unknown>;
  shimKeys: Record<string, unknown>;
  templates: Record<string, unknown>;
  overhead: Record<string, { memory: string; cpu: string }>;
}

/** The shape the double takes for a release's kata version: that tag's own, else — a kata the double has no shape for
 *  yet (a candidate's) — the newest older one, which the double's description then names. */
export function kataDeployShape(kataVersion: string): { shape: KataDeployShape; exact: boolean } {
  const tags = readdirSync(SHAPES_DIR).filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -5)).sort(compareReleases);
  const tag = tags.includes(kataVersion) ? kataVersion : tags.filter((t) => compareReleases(t, kataVersion) <= 0).at(-1);
  if (!tag) throw new Error(`the chart double has no kata-deploy shape at or before kata ${kataVersion} (${SHAPES_DIR} has ${tags.join(', ')})`);
  return { shape: parse(readFileSync(join(SHAPES_DIR, `${tag}.yaml`), 'utf8')) as KataDeployShape, exact: tag === kataVersion };
}

/** The double as records and reports name it, for a release's kata version. */
export function chartDoubleDescription(kataVersion: string): string {
  const { shape, exact } = kataDeployShape(kataVersion);
  return 'install: TEST DOUBLE of the Confidential Containers Helm chart (lib/install-doubles/chart) — the real chart\'s ' +
    `values keys and kata-as-coco-runtime alias, kata-deploy's chart in the shape of kata ${shape.kata}` +
    `${exact ? '' : ` (the newest the double has; the release pins kata ${kataVersion})`}: its RuntimeClasses per enabled shim ` +
    'with pod overhead, multiInstallSuffix names, the verification Job; a kata-deploy DaemonSet that only labels the node ' +
    'katacontainers.io/kata-runtime=true; installs no Kata Containers and runs no node-feature-discovery; refuses a values ' +
    'key the chart does not have (the real chart takes it silently)';
}

/** The chart double as a release ships it: the folder copied into `outDir`, stamped with the release's chart
 *  version and its kata version (the kata-deploy subchart's), kata-deploy's values, schema and template shape written
 *  for that kata version, packaged by helm. Returns the .tgz path. */
export async function packageChartDouble(helm: string, outDir: string, chartVersion: string, kataVersion: string): Promise<string> {
  const chart = writeChartDouble(join(outDir, 'chart-double'), chartVersion, kataVersion);
  await runCommand([helm, 'package', chart, '--destination', outDir]);
  return join(outDir, `confidential-containers-${chartVersion}.tgz`);
}

/** The chart double's folder for one release, unpackaged (`helm lint` and `helm template` read it as it is). */
export function writeChartDouble(dir: string, chartVersion: string, kataVersion: string): string {
  const chart = join(dir, 'confidential-containers');
  rmSync(dir, { recursive: true, force: true });
  cpSync(CHART_SOURCE, chart, { recursive: true });
  stampChart(join(chart, 'Chart.yaml'), chartVersion, kataVersion);
  stampChart(join(chart, KATA_DEPLOY, 'Chart.yaml'), kataVersion);
  const { shape } = kataDeployShape(kataVersion);
  const subchart = join(chart, KATA_DEPLOY);
  writeFileSync(join(subchart, 'values.yaml'), stringify({ ...shape.values, testDouble: { apiServer: {} } }));
  writeFileSync(join(subchart, 'double-shape.yaml'), stringify({ kata: shape.kata, templates: shape.templates, overhead: shape.overhead }));
  writeFileSync(join(subchart, 'values.schema.json'), JSON.stringify(kataDeployValuesSchema(shape), null, 2));
  const coco = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(chart, 'values.schema.json'), JSON.stringify(closedSchema(coco, '', new Set(['kata-as-coco-runtime'])), null, 2));
  return chart;
}

/** Keys under which the chart takes any map: Kubernetes objects passed through (resources, updateStrategy) and the
 *  node-feature-discovery subchart's own values, of which kata-deploy reads only `enabled`. A map whose default is
 *  empty (nodeSelector, customRuntimes.runtimes, a shim's runtimeClass.nodeSelector) is open too. */
const FREE_FORM = new Set(['resources', 'updateStrategy', 'node-feature-discovery']);

/** kata-deploy's values as a JSON schema that refuses a key the chart at the shape's tag does not have: every map the
 *  defaults name is closed, a shim entry takes the shim keys the tag documents, `shims` only the tag's shim names.
 *  Beside them: `enabled` (the CoCo chart's condition key for the alias, charts Chart.yaml:20), helm's `global`, and the
 *  double's own `testDouble`. */
export function kataDeployValuesSchema(shape: KataDeployShape): Record<string, unknown> {
  const schema = closedSchema(shape.values, '', FREE_FORM) as { properties: Record<string, unknown> };
  const shims = shape.values.shims as Record<string, unknown>;
  const shimSchema = closedSchema(shape.shimKeys, 'shims.*', FREE_FORM);
  schema.properties.shims = {
    type: 'object',
    properties: Object.fromEntries(Object.keys(shims).map((name) => [name, name === 'disableAll' ? {} : shimSchema])),
    additionalProperties: false,
  };
  schema.properties.enabled = {};
  schema.properties.testDouble = { type: 'object' };
  return schema;
}

function closedSchema(value: unknown, path: string, open: Set<string>): Record<string, unknown> {
  if (!isMap(value) || Object.keys(value).length === 0) return {};
  const properties = Object.fromEntries(Object.entries(value).map(([key, below]) => {
    const at = path ? `${path}.${key}` : key;
    return [key, open.has(key) ? {} : closedSchema(below, at, open)];
  }));
  return { properties: path ? properties : { ...properties, global: {} }, additionalProperties: false };
}

function stampChart(file: string, version: string, dependencyVersion?: string): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.set('version', version);
  doc.set('appVersion', version);
  if (dependencyVersion) doc.setIn(['dependencies', 0, 'version'], dependencyVersion);
  writeFileSync(file, doc.toString());
}
