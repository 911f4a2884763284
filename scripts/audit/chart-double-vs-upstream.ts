/**
 * Audit aid: the chart double (lib/install-doubles/chart, kata-deploy's shape per kata tag in
 * lib/install-doubles/chart/kata-deploy-shapes/<tag>.yaml) against kata's own kata-deploy chart at the tag each Helm
 * release profile pins, both rendered by the real helm with the profile's values. The double's self-test reads the
 * hand transcription; this reads upstream. The RuntimeClasses must be identical (name, handler, overhead,
 * scheduling.nodeSelector, labels but the double's own marker); every other object the same set of (kind, name, helm
 * hook), but for what the double's description says it leaves out (node-feature-discovery: its dependency is dropped
 * from the upstream chart before rendering — no network). Prints what matched per release and every difference;
 * exits 1 on any. Not a test: CI has no mirrors.
 *
 *   npx tsx scripts/audit/chart-double-vs-upstream.ts --mirrors <dir> [v0.18.0 …]
 *
 * Reads <mirrors>/kata-containers+kata-containers/repo. A missing mirror, a release that is not a Helm profile, or a
 * kata tag the mirror does not hold stop it in one line (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import { ensureHelm, writeChartDouble } from '../../lib/install-doubles/index.ts';
import { encodedReleases, helmValues, kataDeployValuesPath, loadRelease } from '../../matrix/index.ts';
import { UPSTREAM_REPOS, upstreamMirrors } from './upstream-mirrors.ts';

const AUDIT = 'chart-double-vs-upstream';
const CHART_PATH = 'tools/packaging/kata-deploy/helm-chart/kata-deploy';
/** The label every object of the double carries so that records can tell it from the real chart's. */
const DOUBLE_MARKER = 'coco-conformance/test-double';

const { values, positionals } = parseArgs({ options: { mirrors: { type: 'string' } }, allowPositionals: true });
const { mirrorPath, requireMirrors, stop: stopAudit } = upstreamMirrors(AUDIT, values.mirrors);
const stop: (problem: string) => never = stopAudit;
const helmReleases = encodedReleases().filter((release) => loadRelease(release).install.method === 'helm');
const unknown = positionals.filter((release) => !helmReleases.includes(release));
if (unknown.length) stop(`no Helm release profile ${unknown.join(', ')} (Helm profiles: ${helmReleases.join(', ')})`);
requireMirrors([UPSTREAM_REPOS.kata]);

type Manifest = { kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };

const helm = await ensureHelm();
const work = mkdtempSync(path.join(tmpdir(), `${AUDIT}-`));

function render(chart: string, valuesFile: string, keep: (source: string) => boolean): Manifest[] {
  const result = spawnSync(helm, ['template', 'coco', chart, '--namespace', 'coco-system', '--values', valuesFile],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) stop(`helm template ${chart} failed: ${result.stderr.trim().split('\n').at(-1)}`);
  return result.stdout.split(/^---$/m).filter(keep)
    .flatMap((text) => parseAllDocuments(text).map((doc) => doc.toJS() as Manifest | null))
    .filter((object): object is Manifest => Boolean(object?.kind));
}

/** The chart double's CoCo chart with kata's own kata-deploy chart at `tag` in place of the double's subchart, out of
 *  the mirror and without its node-feature-discovery dependency: rendered as the double's install renders its own,
 *  under the CoCo chart's alias (which names the objects). */
function withUpstreamSubchart(cocoChart: string, tag: string): string {
  const archive = spawnSync('git', ['-C', mirrorPath(UPSTREAM_REPOS.kata), 'archive', '--format=tar', tag, CHART_PATH], { maxBuffer: 64 * 1024 * 1024 });
  if (archive.status !== 0) stop(`${mirrorPath(UPSTREAM_REPOS.kata)} has no ${CHART_PATH} at ref ${tag}: the chart double's kata ${tag} cannot be judged`);
  const subchart = path.join(cocoChart, 'charts', 'kata-deploy');
  rmSync(subchart, { recursive: true, force: true });
  mkdirSync(subchart, { recursive: true });
  const depth = String(CHART_PATH.split('/').length);
  const untar = spawnSync('tar', ['-x', '-C', subchart, `--strip-components=${depth}`], { input: archive.stdout });
  if (untar.status !== 0) stop(`cannot unpack ${CHART_PATH} at ${tag}: ${untar.stderr.toString().trim()}`);
  const chartYaml = path.join(subchart, 'Chart.yaml');
  const doc = parseDocument(readFileSync(chartYaml, 'utf8'));
  doc.delete('dependencies');
  writeFileSync(chartYaml, doc.toString());
  rmSync(path.join(subchart, 'Chart.lock'), { force: true });
  return cocoChart;
}

function runtimeClass(object: Manifest): string {
  const labels = Object.fromEntries(Object.entries(object.metadata.labels ?? {}).filter(([key]) => key !== DOUBLE_MARKER).sort());
  const scheduling = object.scheduling as { nodeSelector?: unknown } | undefined;
  return JSON.stringify({ handler: object.handler, overhead: object.overhead ?? null, nodeSelector: scheduling?.nodeSelector ?? null, labels });
}

function identity(object: Manifest): string {
  const hook = object.metadata.annotations?.['helm.sh/hook'];
  return `${object.kind}/${object.metadata.name}${hook ? ` (hook ${hook})` : ''}`;
}

let differences = 0;
for (const release of positionals.length ? positionals : helmReleases) {
  const profile = loadRelease(release);
  const recipe = profile.install;
  if (recipe.method !== 'helm') continue;
  const tag = profile.components.kata.version;
  const dir = path.join(work, release);
  const all = helmValues(recipe, 'x86_64');
  const valuesFile = path.join(dir, 'values.yaml');
  mkdirSync(dir, { recursive: true });
  writeFileSync(valuesFile, stringify(all));
  // Only kata-deploy's objects: helm names their template `confidential-containers/charts/<alias>/templates/…`; the
  // CoCo chart's own are not kata's.
  const subchartSource = new RegExp(`^# Source: [^/]+/charts/${kataDeployValuesPath(recipe).join('/')}/templates/`, 'm');
  const keep = (source: string) => subchartSource.test(source);
  const chartVersion = recipe.version ?? '0.0.0';
  const upstream = render(withUpstreamSubchart(writeChartDouble(path.join(dir, 'upstream'), chartVersion, tag), tag), valuesFile, keep);
  const double = render(writeChartDouble(path.join(dir, 'double'), chartVersion, tag), valuesFile, keep);
  const found: string[] = [];
  const classes = (objects: Manifest[]) => new Map(objects.filter((o) => o.kind === 'RuntimeClass').map((o) => [o.metadata.name, runtimeClass(o)]));
  const [upClasses, doubleClasses] = [classes(upstream), classes(double)];
  for (const name of new Set([...upClasses.keys(), ...doubleClasses.keys()])) {
    const [up, dbl] = [upClasses.get(name), doubleClasses.get(name)];
    if (up === dbl) continue;
    found.push(`RuntimeClass/${name}: kata ${tag} ${up ?? 'has none'}; double ${dbl ?? 'has none'}`);
  }
  const others = (objects: Manifest[]) => new Set(objects.filter((o) => o.kind !== 'RuntimeClass').map(identity));
  const [upOthers, doubleOthers] = [others(upstream), others(double)];
  for (const id of upOthers) if (!doubleOthers.has(id)) found.push(`${id}: in kata ${tag}'s chart, not in the double`);
  for (const id of doubleOthers) if (!upOthers.has(id)) found.push(`${id}: in the double, not in kata ${tag}'s chart`);
  const same = [...upClasses.keys()].filter((name) => upClasses.get(name) === doubleClasses.get(name));
  const sameOthers = [...upOthers].filter((id) => doubleOthers.has(id));
  console.log(`${release} (kata ${tag}): ${same.length} RuntimeClass(es) identical [${same.join(', ')}]; ` +
    `${sameOthers.length} other object(s) alike [${sameOthers.join(', ')}]; ${found.length} difference(s)`);
  for (const line of found) console.log(`  ${release}: ${line}`);
  differences += found.length;
}
rmSync(work, { recursive: true, force: true });
console.log(differences ? `${differences} difference(s) between the chart double and kata's kata-deploy chart` : 'the chart double matches kata\'s kata-deploy chart');
process.exit(differences ? 1 : 0);
