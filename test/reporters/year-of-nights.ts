import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRelease, type ReleaseProfile } from '../../matrix/index.ts';
import type { Outcome } from '../../reporters/index.ts';
import { writeSyntheticRecords, type SyntheticAttempt, type SyntheticSummary } from '../../scripts/bench/synthetic-records.ts';

/** A year of nightly records from 13 runners on v0.9.0, for the self-tests of a report over many nights. */
export const NIGHTS = 365;
export const FIRST_NIGHT = '2024-01-01';
export const WATCHED = 'encrypted-image/right-key-runs';

/** A stable pseudo-random number in [0, 1) for one attempt, so the year is the same on every run. */
function noise(at: SyntheticAttempt, salt: number): number {
  let x = (at.night * 73_856_093) ^ (at.runner.index * 19_349_663) ^ (at.testId.length * 83_492_791) ^ (at.attempt * 2_654_435_761) ^ salt;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return ((x ^ (x >>> 16)) >>> 0) / 2 ** 32;
}

/** The first TDX runner's right-key test failed its last three nights and passed every night before; the other TDX
 *  runners pass encrypted images throughout. Everywhere else the year is noisy — failures, flakes, infrastructure
 *  nights — so every list of the Markdown has more than it can show. */
function yearOfNights(at: SyntheticAttempt): Outcome {
  if (at.runner.platform === 'tdx' && at.catalog.feature === 'encrypted-images') {
    return at.runner.index === 0 && at.testId === WATCHED && at.night >= NIGHTS - 3 ? 'failed' : at.natural;
  }
  if (at.natural === 'skipped') return at.natural;
  // The control runners' last night went badly: more failing tests in a cell than the Markdown lists.
  if (at.runner.platform === 'control' && at.night === NIGHTS - 1) return 'failed';
  if (noise(at, 1) < 0.01 + (at.runner.index % 4) * 0.01) return 'failed';
  if (noise(at, 2) < 0.02) return 'flaky';
  if (at.runner.platform === 'se' && at.night % 29 === 0) return 'infra-error';
  return at.natural;
}

/** Writes the year under `dir`, one record at a time, plus a crashed runner's truncated files (each a warning, more
 *  than the Markdown lists). */
export function writeYearOfNights(dir: string): { profile: ReleaseProfile; written: SyntheticSummary } {
  const profile = loadRelease('v0.9.0');
  const written = writeSyntheticRecords(dir, {
    profile, runners: 13, nights: NIGHTS, testsPerRecord: 17, firstNight: FIRST_NIGHT, outcome: yearOfNights,
    rerun: (runner, night) => runner.platform === 'snp' && night % 17 === 0,
  });
  for (let i = 0; i < 150; i++) writeFileSync(join(written.folders[1]!, `crashed-${String(i).padStart(3, '0')}.json`), '{"schemaVersion": 1, "runId": "cut-');
  return { profile, written };
}
