import { clusterLabel, platformLabel, FEATURES, planCells, releaseLabel, type CellFilter, type PlannedCell, type ReleaseProfile } from '../../../matrix/index.ts';
// The text renderer alone, not reporters/index.ts: plan does not load the report machinery.
import { plainTable } from '../../../reporters/render-text.ts';
import { CELL_SELECTION_FLAGS, EXIT_CODES, parseArguments, type CommandSyntax } from '../arguments.ts';

const PLAN_SYNTAX = {
  name: 'plan',
  flags: { ...CELL_SELECTION_FLAGS, json: { takes: 'switch', description: 'print the cells and their planned tests as JSON' } },
  exitCodes: { 0: EXIT_CODES[0], 2: EXIT_CODES[2] },
  details: 'Each cell is a runner × run of the matrix: release, platform, cluster, container runtime, pull mode, suites.',
} as const satisfies CommandSyntax;

interface PlanOptions {
  matrix?: string;
  filter: CellFilter;
  json: boolean;
}

/** `plan`: expand a matrix into cells and show each with the number of tests expected to pass, fail and skip. */
export async function planCommand(argv: string[]): Promise<number> {
  const options = parsePlanArgs(argv);
  const { matrix, cells, profiles } = planCells(options.matrix, options.filter);
  const candidates = [...new Set(cells.map((c) => c.cell.release))].map((r) => profiles.get(r)).filter((p): p is ReleaseProfile => !!p?.candidate);
  if (options.json) {
    await writeJsonStream(matrix.file, cells.map((c) => () => toJson(c, profiles.get(c.cell.release))));
  } else {
    console.log(renderPlanTable(cells, profiles));
    // One cell: what each of its tests is expected to do there, and why.
    if (cells.length === 1) console.log(`\n${renderCellTests(cells[0]!)}`);
    console.log(`\n${cells.length} cell${cells.length === 1 ? '' : 's'} from ${matrix.file}`);
    for (const p of candidates) {
      console.log(`${releaseLabel(p)}: derived from ${p.candidate!.from} (kata ${p.candidate!.kataRef}); ${p.candidate!.review.length} item(s) of its profile to review`);
    }
  }
  return 0;
}

/** Parses plan's flags. `--suite` takes one or more values (also comma-separated). A flag's value that no matrix
 *  could make right (an unknown platform or suite) is refused here, naming the flag. */
export function parsePlanArgs(argv: string[]): PlanOptions {
  const { flags } = parseArguments(argv, PLAN_SYNTAX);
  const filter: CellFilter = {};
  if (flags.runner !== undefined) filter.runner = flags.runner;
  if (flags.cell !== undefined) filter.cell = flags.cell;
  if (flags.platform !== undefined) filter.platform = flags.platform;
  if (flags.suite !== undefined) filter.suites = flags.suite;
  return { matrix: flags.matrix, filter, json: flags.json === true };
}

/** `{"matrix": …, "cells": [ … ]}` written one cell (one line) at a time, waiting for stdout to drain: a matrix of
 *  thousands of cells is never one string in memory (a 255 KB matrix made 222 MB of indented JSON at 1.77 GB). */
async function writeJsonStream(matrixFile: string, cells: ReadonlyArray<() => object>): Promise<void> {
  const write = (text: string) => new Promise<void>((resolve) => {
    // A closed pipe ends the process quietly (bin/coco-conformance.mjs), so a write only waits for room.
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
  await write(`{"matrix":${JSON.stringify(matrixFile)},"cells":[`);
  for (const [i, cell] of cells.entries()) await write(`${i ? ',' : ''}\n${JSON.stringify(cell())}`);
  await write('\n]}\n');
}

function toJson({ cell, tests, counts }: PlannedCell, profile: ReleaseProfile | undefined) {
  return { ...cell, ...(profile?.candidate ? { candidate: true } : {}), expected: counts, tests: tests.map(({ outcome, ...test }) => ({ ...test, ...outcome })) };
}

const HEADERS = ['CELL', 'RUNNER', 'PLATFORM', 'CLUSTER', 'RUNTIME', 'PULL', 'SUITES', 'TESTS (pass/fail/skip)'];

/** ", N not tested upstream" when the release claims tests of the cell that upstream's CI skips (they still run). */
function notTestedUpstream(tests: PlannedCell['tests']): string {
  const n = tests.filter((t) => t.outcome.expect !== 'skip' && t.outcome.notTestedUpstream).length;
  return n ? `, ${n} not tested upstream` : '';
}

/** A plain text table, one row per cell, columns padded to their widest value. When a candidate is among the
 *  releases, a RELEASE column after the cell says which cells are the candidate's. */
export function renderPlanTable(cells: PlannedCell[], profiles: ReadonlyMap<string, ReleaseProfile>): string {
  const withRelease = cells.some(({ cell }) => profiles.get(cell.release)?.candidate);
  const release = (name: string) => (withRelease ? [profiles.get(name) ? releaseLabel(profiles.get(name)!) : name] : []);
  const rows = cells.map(({ cell, tests, counts }) => [
    cell.id,
    ...release(cell.release),
    cell.runner,
    platformLabel(cell.platform, cell.runtimeVariant),
    clusterLabel(cell.cluster) + (cell.cluster.source ? ` (${cell.cluster.source})` : ''),
    cell.containerRuntime,
    cell.pullMode,
    cell.suites.length === FEATURES.length ? 'all' : cell.suites.join(','),
    `${tests.length} (${counts.pass}/${counts.fail}/${counts.skip})` + (cell.required ? '' : ' optional') + notTestedUpstream(tests),
  ]);
  return plainTable([withRelease ? [HEADERS[0]!, 'RELEASE', ...HEADERS.slice(1)] : HEADERS, ...rows]);
}

/** One row per test of a cell: its id, expected outcome, the claim behind it, and why — the reason of a skip or of an
 *  expected failure with the step and error pattern it must fail with, or what a pass cannot tell. */
export function renderCellTests({ tests }: PlannedCell): string {
  const rows = tests.map(({ id, outcome }) => {
    const why = outcome.expect === 'fail'
      ? `${outcome.reason}${outcome.signature ? ` — fails in "${outcome.signature.step}" with /${outcome.signature.pattern}/` : ''}`
      : outcome.expect === 'skip' ? outcome.reason : outcome.nonDiscriminating ? `not discriminating: ${outcome.nonDiscriminating}`
        : outcome.reason ?? (outcome.notTestedUpstream ? `not tested upstream: ${outcome.notTestedUpstream}` : '');
    return [id, outcome.expect, outcome.claim, why];
  });
  return plainTable([['TEST', 'EXPECT', 'CLAIM', 'WHY'], ...rows]);
}
