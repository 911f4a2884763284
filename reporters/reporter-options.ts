import { existsSync, readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { resolve, join } from 'node:path';
import type { Cell } from '../matrix/cell.ts';
import { encodedPlatformIds } from '../matrix/load-release-profile.ts';
import { CONTROL_PLATFORM, type PlatformId } from '../matrix/vocabulary.ts';
import type { EnvironmentFacts, ResultRecord } from './result-record.ts';
import { recordFileName } from './record-writer.ts';

/** Options of reporters/result-record-reporter.ts, as written in a Playwright config. Each falls back to an env var
 *  (so `coco-conformance run` can hand a cell to a plain `npx playwright test`), then to a default. */
export interface ResultRecordReporterOptions {
  /** The record file; wins over outDir. Env: COCO_RESULT_FILE. */
  outputFile?: string;
  /** Folder for `<cell>--<runner>--<runId>.json`. Env: COCO_RESULTS_DIR. Default: ./results. */
  outDir?: string;
  /** Env: COCO_RUN_ID. Default: the start time and process id. */
  runId?: string;
  /** Env: COCO_RUNNER. Default: the host name. */
  runner?: string;
  /** The Cell object or its JSON. Env: COCO_CELL. Default: an ad-hoc cell, not required for sign-off, on the platform
   *  the developer named (COCO_PLATFORM, one platform), else on `control`. */
  cell?: Cell | string;
  /** Env: COCO_RELEASE. Default: the cell's release. */
  release?: string;
  /** Facts, or a path to a JSON file of them. Env: COCO_ENVIRONMENT_FILE. */
  environment?: EnvironmentFacts | string;
  /** Test doubles this run used. Env: COCO_DOUBLES (JSON array or comma-separated). */
  doubles?: string[];
}

/** The record's identity fields, settled before the first test ends. */
export interface ResolvedReporterOptions extends Pick<ResultRecord, 'runId' | 'runner' | 'cell' | 'release' | 'environment' | 'doubles'> {
  outputFile: string;
}

export function resolveReporterOptions(
  options: ResultRecordReporterOptions,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): ResolvedReporterOptions {
  const runId = options.runId ?? env.COCO_RUN_ID ?? `${now.toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
  const runner = options.runner ?? env.COCO_RUNNER ?? env.HOSTNAME ?? 'local';
  const release = options.release ?? env.COCO_RELEASE;
  const cell = parseCell(options.cell ?? env.COCO_CELL, runner, release ?? 'unknown', env.COCO_PLATFORM);
  const outputFile = options.outputFile ?? env.COCO_RESULT_FILE;
  const outDir = options.outDir ?? env.COCO_RESULTS_DIR ?? 'results';
  return {
    outputFile: resolve(outputFile ?? join(outDir, recordFileName(cell.id, runner, runId))),
    runId,
    runner,
    cell,
    release: release ?? cell.release,
    environment: loadEnvironment(options.environment ?? env.COCO_ENVIRONMENT_FILE),
    doubles: options.doubles ?? parseList(env.COCO_DOUBLES),
  };
}

function parseCell(value: Cell | string | undefined, runner: string, release: string, platforms: string | undefined): Cell {
  if (typeof value === 'object') return value;
  if (value) {
    try {
      return JSON.parse(value) as Cell;
    } catch (error) {
      throw new Error(`result-record reporter: cell (COCO_CELL) is not valid JSON: ${(error as Error).message}`);
    }
  }
  // A developer's own run with no cell: ad hoc and not required, filed under the platform the developer said the
  // cluster is (COCO_PLATFORM=snp), so an SNP run is never read as runc; with no platform named, control — nothing
  // claimed, never mistaken for a TEE.
  const platform = developerPlatform(platforms);
  return {
    id: `${release}/${platform}/adhoc`, runner, release, platform, arch: arch() === 's390x' ? 's390x' : 'x86_64',
    cluster: { distro: 'existing' }, containerRuntime: 'containerd', pullMode: 'host', suites: [], required: false,
  };
}

/** One record is one cell of one platform: a run over several platforms needs a cell (COCO_CELL) per platform run. */
function developerPlatform(value: string | undefined): PlatformId {
  const named = (value ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (named.length === 0) return CONTROL_PLATFORM;
  const known = encodedPlatformIds();
  const unknown = named.filter((p) => !known.includes(p));
  if (unknown.length) throw new Error(`result-record reporter: COCO_PLATFORM: unknown platform "${unknown[0]}" (one of ${known.join(', ')})`);
  if (named.length > 1) {
    throw new Error(`result-record reporter: COCO_PLATFORM names ${named.length} platforms (${named.join(', ')}), but a record is filed under one: run one platform at a time, or give the cell in COCO_CELL`);
  }
  return named[0] as PlatformId;
}

function loadEnvironment(value: EnvironmentFacts | string | undefined): EnvironmentFacts {
  if (typeof value === 'object') return value;
  if (!value) return {};
  if (!existsSync(value)) throw new Error(`result-record reporter: environment file ${value} does not exist`);
  try {
    return JSON.parse(readFileSync(value, 'utf8')) as EnvironmentFacts;
  } catch (error) {
    throw new Error(`result-record reporter: environment file ${value} is not valid JSON: ${(error as Error).message}`);
  }
}

function parseList(value: string | undefined): string[] {
  if (!value) return [];
  if (value.trim().startsWith('[')) return JSON.parse(value) as string[];
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
