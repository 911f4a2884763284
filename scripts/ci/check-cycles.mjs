#!/usr/bin/env node
// Imports go one way: no circular import between files, and the folders form layers that import downwards only.
// madge builds the file graph (type-only imports included: a cycle of types is still a cycle to read through);
// this script checks that graph and the folder graph folded from it. Exit 0 clean, 1 on any violation, 2 when
// madge saw no usable graph (a check that sees no edges passes everything, so that is an error, not a pass).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const ROOT = join(fileURLToPath(import.meta.url), '../../..');
const SOURCE_DIRS = ['bin', 'matrix', 'lib', 'reporters', 'fixtures', 'harness', 'suites', 'scripts', 'test'];
const EXTENSIONS = ['ts', 'mjs'];

/** The top-level folders import one way: each imports only folders of a lower layer (root files such as
 *  playwright.config.ts count as one folder, `*.ts`). */
const TOP_LAYERS = [
  { layer: 0, folders: ['matrix'], why: 'what to test: release profiles, runner matrices and their loaders' },
  { layer: 1, folders: ['lib'], why: 'the library both the pipeline and the suites stand on: commands, cluster, KBS, images, manifests' },
  { layer: 2, folders: ['reporters'], why: 'result records and reports' },
  { layer: 3, folders: ['fixtures'], why: 'the Playwright fixtures the suites use' },
  { layer: 4, folders: ['harness'], why: 'the product: CLI, pipeline, providers, install, KBS deploy, platforms' },
  { layer: 5, folders: ['bin', 'suites', 'scripts', '*.ts'], why: 'entry points: the CLI binary, suites, setup, CI, bench, the suites\' Playwright config' },
  { layer: 6, folders: ['test'], why: 'the self-tests: they may import anything, nothing imports them' },
];

/** Inside the top-level folders, a folder's layer: a folder imports only folders of a lower layer, or of its own
 *  layer when the folder graph stays acyclic. In lib/, fixtures/, harness/, harness/cli/ and scripts/ each subfolder
 *  is a unit and so is each file directly inside (lib/suite-environment.ts is a type everyone reads;
 *  harness/cli/arguments.ts is read by the commands that harness/cli/main.ts loads). Any other top-level folder is
 *  one unit. */
const LAYERS = [
  { layer: 0, units: ['matrix'], why: 'what to test: data and its loaders, imports nothing of the harness' },
  { layer: 1, units: ['lib/exec'], why: 'running commands, redaction: used by everything' },
  { layer: 2, units: ['lib/*', 'lib/*.ts'], why: 'cluster, KBS, registry, images, manifests, dry-run planner' },
  { layer: 3, units: ['reporters'], why: 'result records and reports: pure functions over records' },
  { layer: 4, units: ['fixtures/*', 'fixtures/*.ts'], why: 'what suites stand on' },
  {
    layer: 5,
    units: ['harness/providers', 'harness/install', 'harness/kbs', 'harness/platforms', 'harness/environment', 'harness/doctor'],
    why: 'what the pipeline drives: clusters, releases, KBS, platform setups, facts',
  },
  { layer: 6, units: ['harness/pipeline'], why: 'one cell from provisioning to teardown' },
  { layer: 7, units: ['harness/cli/*', 'harness/cli/*.ts'], why: 'the commands and their argument parsing' },
  {
    layer: 8,
    units: ['bin', 'suites', 'test', 'scripts/*', '*.ts'],
    why: 'entry points: nothing imports them',
  },
];

/** Dynamic imports whose argument is not a string literal hide a module from tsc and from this check. These name a
 *  module from outside the code base, so there is nothing to hide. */
const DYNAMIC_IMPORT_EXCEPTIONS = new Map([
  ['harness/providers/index.ts', 'the test provider module named by COCO_TEST_PROVIDER_MODULE (self-tests only)'],
  ['test/reporters/result-record-reporter.spec.ts', 'source text of a child process, not an import of this file'],
]);

const SPLIT_FOLDERS = ['lib', 'fixtures', 'harness', 'harness/cli', 'scripts'];

function unitOf(file) {
  const parts = file.split('/');
  if (parts.length === 1) return '*.ts';
  for (const folder of [...SPLIT_FOLDERS].reverse()) {
    const depth = folder.split('/').length;
    if (parts.slice(0, depth).join('/') !== folder) continue;
    return parts.length === depth + 1 ? file : parts.slice(0, depth + 1).join('/');
  }
  return parts[0];
}

function matches(pattern, unit) {
  if (pattern === unit) return true;
  if (pattern === '*.ts') return unit === '*.ts';
  if (pattern.endsWith('/*.ts')) return unit.startsWith(pattern.slice(0, -4)) && unit.endsWith('.ts') && !unit.slice(pattern.length - 4).includes('/');
  if (pattern.endsWith('/*')) return unit.startsWith(pattern.slice(0, -1)) && !unit.endsWith('.ts') && !unit.slice(pattern.length - 1).includes('/');
  return false;
}

function layerOf(unit) {
  return LAYERS.find(({ units }) => units.some((pattern) => matches(pattern, unit)))?.layer;
}

function sourceFiles(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && EXTENSIONS.some((x) => e.name.endsWith(`.${x}`)) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter((f) => !f.split('/').includes('node_modules'));
}

/** Strongly connected components (Tarjan) of a graph given as Map<node, Set<node>>; only those of 2+ nodes. */
function cyclicComponents(graph) {
  let index = 0;
  const indexOf = new Map(), low = new Map(), stack = [], onStack = new Set(), found = [];
  const visit = (v) => {
    indexOf.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

const result = await madge(SOURCE_DIRS.map((d) => join(ROOT, d)), {
  baseDir: ROOT,
  fileExtensions: EXTENSIONS,
  tsConfig: join(ROOT, 'tsconfig.json'),
  // dist/ is the build of the same sources (bin/coco-conformance.mjs imports it): its graph is the sources' own.
  excludeRegExp: [/^dist\//],
  detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
});
const graph = result.obj();
const files = Object.keys(graph);
const edges = Object.values(graph).reduce((n, deps) => n + deps.length, 0);
console.log(`madge: ${files.length} modules, ${edges} imports between them`);

// The graph must be the real one: every source file in it, relative imports resolved (skipped = unresolved).
const problems = [];
const onDisk = SOURCE_DIRS.flatMap(sourceFiles);
const missing = onDisk.filter((f) => !(f in graph));
if (missing.length) problems.push(`madge left out ${missing.length} source files, e.g. ${missing.slice(0, 3).join(', ')}`);
const unresolved = result.warnings().skipped.filter((s) => s.startsWith('.'));
if (unresolved.length) problems.push(`madge could not resolve ${unresolved.length} relative imports, e.g. ${unresolved.slice(0, 3).join(', ')}`);
const KNOWN_EDGE = ['harness/cli/main.ts', 'harness/cli/arguments.ts'];
if (!graph[KNOWN_EDGE[0]]?.includes(KNOWN_EDGE[1])) problems.push(`madge did not see the import ${KNOWN_EDGE.join(' -> ')} (are .ts imports resolved?)`);
if (problems.length) {
  for (const p of problems) console.error(`check-cycles: failed to build the import graph: ${p}`);
  process.exit(2);
}

let failures = 0;
const fail = (line) => { failures++; console.error(line); };

for (const cycle of result.circular()) fail(`circular import: ${[...cycle, cycle[0]].join(' -> ')}`);

// Folder graph: unit -> unit, with one file-level import kept per folder edge to name in the message.
const unitGraph = new Map();
const example = new Map();
for (const [file, deps] of Object.entries(graph)) {
  const from = unitOf(file);
  if (!unitGraph.has(from)) unitGraph.set(from, new Set());
  for (const dep of deps) {
    const to = unitOf(dep);
    if (to === from) continue;
    unitGraph.get(from).add(to);
    if (!example.has(`${from} ${to}`)) example.set(`${from} ${to}`, `${file} -> ${dep}`);
  }
}
for (const unit of unitGraph.keys()) {
  if (layerOf(unit) === undefined) fail(`folder ${unit} has no layer in scripts/ci/check-cycles.mjs: give it one`);
}
for (const [from, tos] of unitGraph) {
  for (const to of tos) {
    const [a, b] = [layerOf(from), layerOf(to)];
    if (a !== undefined && b !== undefined && b > a) {
      fail(`folder import upwards: ${from} (layer ${a}) imports ${to} (layer ${b}): ${example.get(`${from} ${to}`)}`);
    }
  }
}
// Top-level folders: fold the graph once more.
const topOf = (file) => (file.includes('/') ? file.split('/')[0] : '*.ts');
const topLayerOf = (folder) => TOP_LAYERS.find(({ folders }) => folders.includes(folder))?.layer;
const topGraph = new Map();
for (const [file, deps] of Object.entries(graph)) {
  const from = topOf(file);
  if (!topGraph.has(from)) topGraph.set(from, new Set());
  if (topLayerOf(from) === undefined) fail(`top-level folder ${from} has no layer in scripts/ci/check-cycles.mjs: give it one`);
  for (const dep of deps) {
    const to = topOf(dep);
    if (to === from) continue;
    topGraph.get(from).add(to);
    const [a, b] = [topLayerOf(from), topLayerOf(to)];
    if (a !== undefined && b !== undefined && b >= a && !example.has(`top ${from} ${to}`)) {
      example.set(`top ${from} ${to}`, `${file} -> ${dep}`);
      fail(`top-level folder import ${b > a ? 'upwards' : 'sideways'}: ${from} (layer ${a}) imports ${to} (layer ${b}): ${file} -> ${dep}`);
    }
  }
}
for (const component of cyclicComponents(unitGraph)) {
  const inside = new Set(component);
  const through = component.flatMap((from) => [...unitGraph.get(from)].filter((to) => inside.has(to)).map((to) => example.get(`${from} ${to}`)));
  fail(`folder cycle: ${component.join(' <-> ')} (${through.join('; ')})`);
}

const DYNAMIC_IMPORT = /\bimport\(\s*(?!['"])([^)]*)\)/g;
for (const file of onDisk) {
  if (DYNAMIC_IMPORT_EXCEPTIONS.has(file)) continue;
  const text = readFileSync(join(ROOT, file), 'utf8');
  for (const match of text.matchAll(DYNAMIC_IMPORT)) {
    const line = text.slice(0, match.index).split('\n').length;
    fail(`dynamic import of a computed name hides the module from tsc and this check: ${file}:${line}: ${match[0]}`);
  }
}

if (failures) {
  console.error(`check-cycles: ${failures} problem(s)`);
  process.exit(1);
}
console.log(`check-cycles: no circular import among ${files.length} modules; ${topGraph.size} top-level folders and ${unitGraph.size} folders import downwards only`);
