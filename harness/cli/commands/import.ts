import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  CONTAINER_RUNTIMES, FEATURES, InputError, PULL_MODES, cellId, loadRelease, platformLabel, loadReleaseProfile, planCellTests, releaseLabel, upstreamCiTableFor,
  type Cell, type PullMode, type ReleaseProfile,
} from '../../../matrix/index.ts';
import { readTextFile } from '../../../matrix/text-file.ts';
import {
  mapUpstreamResults, parseUpstreamResults, recordFileName, writeImportedRecord, type ParsedUpstreamResults, type UpstreamResult,
} from '../../../reporters/index.ts';
import { checkOutputFolder } from '../output-folder.ts';
import { EXIT_CODES, parseArguments, UsageError, type CommandSyntax } from '../arguments.ts';

const USAGE = 'usage: coco-conformance import REPORT… --release vX (or --profile FILE) --hypervisor KATA_HYPERVISOR [--runner NAME] ' +
  '[--pull-mode nydus|forced] [--job-url URL] [--run-id ID] [--commit SHA] [--started-at ISO-TIME] [--out DIR]';

const IMPORT_SYNTAX = {
  name: 'import',
  operands: { usage: 'REPORT…', description: 'bats TAP output (kata CI\'s reports/<date>/{ok,not_ok}-<file>.bats.out) or JUnit XML files, or their folder' },
  flags: {
    release: { takes: 'value', value: 'vX', description: 'the release the results are judged against' },
    profile: { takes: 'value', value: 'FILE', description: 'a release profile file instead of --release (a candidate outside matrix/releases)' },
    hypervisor: { takes: 'value', value: 'KATA_HYPERVISOR', description: 'the job\'s hypervisor (qemu-tdx, qemu-snp-runtime-rs, …): gives the platform (required)' },
    runner: { takes: 'value', value: 'NAME', description: 'the runner the record is filed under (default: kata-ci-<hypervisor>)' },
    'pull-mode': { takes: 'value', value: 'MODE', description: 'how the job pulled images: nydus (guest pull) or forced (experimental force guest pull)', choices: PULL_MODES },
    'job-url': { takes: 'value', value: 'URL', description: 'the CI job the results come from' },
    'run-id': { takes: 'value', value: 'ID', description: 'the CI run id' },
    commit: { takes: 'value', value: 'SHA', description: 'the commit the job tested' },
    'started-at': { takes: 'value', value: 'ISO-TIME', description: 'when the job ran (default: now); files the record under that night' },
    out: { takes: 'value', value: 'DIR', description: 'where the record is written (default: results)' },
  },
  exitCodes: { 0: 'the record is written (unmapped tests listed)', 2: EXIT_CODES[2] },
} as const satisfies CommandSyntax;

/** A report file is bats output (kata CI's reports/<date>/{ok,not_ok}-<file>.bats.out, or `bats --formatter tap`) or
 *  JUnit XML; a folder is read for those. */
const REPORT_FILE = /\.(out|tap|xml)$/;
const MAX_REPORT_BYTES = 16 * 1024 * 1024;

/** `import`: upstream CI's bats results of one job → one result record of the harness, which `report` and `signoff`
 *  merge with the harness's own. The job's hypervisor gives the platform and each bats test its catalog test, through
 *  the mapping table of the release's kata (matrix/upstream-ci/). */
export async function importCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArguments(argv, IMPORT_SYNTAX);
  if (positionals.length === 0) throw new UsageError(`give the report files (or their folder); ${USAGE}`);
  if (!flags.release === !flags.profile) throw new UsageError(`give --release vX or --profile FILE (one of them); ${USAGE}`);
  if (!flags.hypervisor) throw new UsageError(`--hypervisor is required (the job's KATA_HYPERVISOR, e.g. qemu-tdx); ${USAGE}`);
  const startedAt = flags['started-at'];
  if (startedAt !== undefined && Number.isNaN(Date.parse(startedAt))) throw new UsageError(`--started-at ${startedAt}: not a date and time`);
  const out = flags.out ?? 'results';
  checkOutputFolder(out);

  const profile: ReleaseProfile = flags.profile ? loadReleaseProfile(flags.profile) : loadRelease(flags.release!);
  const table = upstreamCiTableFor(profile.components.kata.version);
  const platform = Object.hasOwn(table.hypervisors, flags.hypervisor) ? table.hypervisors[flags.hypervisor] : undefined;
  if (!platform) {
    throw new UsageError(`--hypervisor ${flags.hypervisor}: not a CoCo hypervisor of ${basename(table.file)} (${Object.keys(table.hypervisors).join(', ')})`);
  }
  const spec = profile.platforms[platform];
  if (!spec) throw new UsageError(`--hypervisor ${flags.hypervisor} is platform ${platform}, which ${profile.release} does not define`);
  // The job's shim: the platform's own (kata-qemu-tdx runs KATA_HYPERVISOR qemu-tdx) or a runtime variant of it
  // (qemu-tdx-runtime-rs), whose records carry the variant; never folded silently into the platform's own.
  const runtimeVariant = Object.entries(spec.runtimeVariants ?? {}).find(([, v]) => v.kataHypervisor === flags.hypervisor)?.[0];
  if (!runtimeVariant && spec.handler !== `kata-${flags.hypervisor}`) {
    throw new UsageError(`--hypervisor ${flags.hypervisor} is not ${platform}'s own shim (${spec.handler}) nor one of its runtime variants in ` +
      `${profile.release} (platforms.${platform}.runtimeVariants: ${Object.values(spec.runtimeVariants ?? {}).map((v) => v.kataHypervisor).join(', ') || 'none'})`);
  }

  const parsed = reportFiles(positionals).map((file) => ({ file, ...parseUpstreamResults(readTextFile(file, file, { format: 'bats TAP or JUnit', maxBytes: MAX_REPORT_BYTES }), file) }));
  const results: UpstreamResult[] = parsed.flatMap((p) => p.results);
  if (results.length === 0) throw new UsageError(`no test result in ${positionals.join(', ')}`);
  const formats = [...new Set(parsed.map((p) => p.format))];
  const mapped = mapUpstreamResults(results, table);

  const pullMode = (flags['pull-mode'] ?? 'nydus') as PullMode;
  const runner = flags.runner ?? `kata-ci-${flags.hypervisor}`;
  const cluster = { distro: 'existing' as const };
  const cell: Cell = {
    id: cellId(profile.release, platform, cluster, CONTAINER_RUNTIMES[0], pullMode, runtimeVariant), runner, release: profile.release, platform,
    arch: spec.arches[0]!, cluster, containerRuntime: CONTAINER_RUNTIMES[0], pullMode, ...(runtimeVariant ? { runtimeVariant } : {}),
    suites: [...FEATURES], required: true,
  };
  const runId = `imported-${flags['run-id'] ?? new Date().toISOString().replace(/[:.]/g, '-')}`;
  mkdirSync(out, { recursive: true });
  const file = join(out, recordFileName(cell.id, runner, runId));
  const record = writeImportedRecord({
    file, runId, cell, planned: planCellTests(cell, profile), results: mapped, problems: parsed.flatMap((p: ParsedUpstreamResults) => p.problems),
    ...(startedAt ? { startedAt: new Date(startedAt).toISOString() } : {}),
    imported: {
      format: formats.length === 1 ? formats[0]! : 'bats-tap', files: parsed.map((p) => p.file), hypervisor: flags.hypervisor,
      mappingTable: table.file,
      ...(flags['job-url'] ? { jobUrl: flags['job-url'] } : {}),
      ...(flags['run-id'] ? { ciRunId: flags['run-id'] } : {}),
      ...(flags.commit ? { commit: flags.commit } : {}),
    },
  });

  console.log(`imported ${results.length} upstream result(s) of ${flags.hypervisor} for ${releaseLabel(profile)} ${platformLabel(platform, runtimeVariant)} (table ${table.file})`);
  const variantSpec = runtimeVariant ? spec.runtimeVariants![runtimeVariant]! : undefined;
  if (variantSpec && !variantSpec.shipped) {
    console.log(`warning: ${profile.release} does not ship runtime class ${variantSpec.runtimeClass}: the record says so, and the report leaves it out of the grid`);
  }
  for (const test of record.tests) console.log(`  ${test.id.padEnd(46)} ${test.outcome}${test.skipReason ? ` (${test.skipReason})` : ''}`);
  if (mapped.unmapped.length) {
    console.log(`${mapped.unmapped.length} result(s) with no catalog test (listed in the record, not in the grid):`);
    for (const { result, why } of mapped.unmapped) console.log(`  ${result.batsFile ? `${result.batsFile}: ` : ''}${result.name} — ${result.status}; ${why}`);
  }
  for (const problem of record.runErrors ?? []) console.log(`warning: ${problem}`);
  console.log(`record: ${file}`);
  return 0;
}

/** The files given, a folder standing for its report files (kata CI's reports/<date>/ folder). */
function reportFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch (error) {
      throw new InputError(path, '', `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    if (!isFolder) return [path];
    const files = readdirSync(path).filter((name) => REPORT_FILE.test(name)).sort().map((name) => join(path, name));
    if (files.length === 0) throw new InputError(path, '', 'a folder with no report file (*.out, *.tap, *.xml)');
    return files;
  });
}
