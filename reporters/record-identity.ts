import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Cell } from '../matrix/cell.ts';
import { encodedPlatformIds } from '../matrix/load-release-profile.ts';
import { CONTROL_PLATFORM, type PlatformId } from '../matrix/vocabulary.ts';
import { developerCell, type SuiteEnvironment } from '../lib/suite-environment.ts';
import type { EnvironmentFacts } from './result-record.ts';
import { recordFileName, type RecordHead } from './record-writer.ts';

/** What identifies the record of a suite run, and the file it goes to: all from the suite environment. */
export interface RecordIdentity extends Pick<RecordHead, 'runId' | 'runner' | 'cell' | 'release' | 'environment' | 'doubles'> {
  outputFile: string;
}

export function recordIdentity(suiteEnv: SuiteEnvironment): RecordIdentity {
  const cell = suiteEnv.cell ?? developerRecordCell(suiteEnv);
  return {
    outputFile: resolve(suiteEnv.recordFile ?? join(suiteEnv.outDir, 'records', recordFileName(cell.id, suiteEnv.runner, suiteEnv.runId))),
    runId: suiteEnv.runId,
    runner: suiteEnv.runner,
    cell,
    release: suiteEnv.release,
    environment: loadEnvironment(suiteEnv.environmentFile),
    doubles: suiteEnv.doubles,
  };
}

/** A developer's own run has no cell: its record is ad hoc and not required, filed under the platform the developer
 *  said the cluster is (COCO_PLATFORM=snp), so an SNP run is never read as runc; with no platform named, control —
 *  nothing claimed, never mistaken for a TEE. One record is one platform: naming several is an error. */
function developerRecordCell(suiteEnv: SuiteEnvironment): Cell {
  const named = suiteEnv.platforms;
  const known = encodedPlatformIds();
  const unknown = named.filter((p) => !known.includes(p));
  if (unknown.length) throw new Error(`result-record reporter: COCO_PLATFORM: unknown platform "${unknown[0]}" (one of ${known.join(', ')})`);
  if (named.length > 1) {
    throw new Error(`result-record reporter: COCO_PLATFORM names ${named.length} platforms (${named.join(', ')}), but a record is filed under one: run one platform at a time`);
  }
  return developerCell(suiteEnv.release, (named[0] ?? CONTROL_PLATFORM) as PlatformId, suiteEnv.runner);
}

function loadEnvironment(file: string | undefined): EnvironmentFacts {
  if (!file) return {};
  if (!existsSync(file)) throw new Error(`result-record reporter: environment file ${file} does not exist`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EnvironmentFacts;
  } catch (error) {
    throw new Error(`result-record reporter: environment file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
