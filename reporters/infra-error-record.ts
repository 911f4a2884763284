import type { Cell } from '../matrix/cell.ts';
import type { ReleaseProfile } from '../matrix/release-profile.ts';
import type { ExpectedOutcome } from '../matrix/expected-outcome.ts';
import { expectedOutcome, TEST_CATALOG, type CatalogTest } from '../matrix/index.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type EnvironmentFacts, type ResultRecord } from './result-record.ts';
import { writeRecordAtomically } from './record-file.ts';
import { cleanErrorText } from './error-text.ts';

export interface InfraErrorRecordInput {
  outFile: string;
  runId: string;
  runner: string;
  cell: Cell;
  release: string;
  /** When given, each test carries the outcome it was expected to have, as if it had run. */
  profile?: ReleaseProfile;
  /** The pipeline step that failed: provision, install, kbs, registry… */
  step: string;
  error: unknown;
  /** The tests the cell would have run (catalog entries or ids); default: the catalog tests of the cell's suites. */
  tests?: readonly (CatalogTest | string)[];
  environment?: EnvironmentFacts;
  doubles?: string[];
}

/** For the pipeline when provisioning or install fails: a complete record in which every test of the cell is an
 *  infra-error, so the report shows INFRA-FAIL (and the sign-off INCONCLUSIVE) instead of a silent gap. */
export function writeInfraErrorRecord(input: InfraErrorRecordInput): ResultRecord {
  const message = cleanErrorText(input.error instanceof Error ? input.error.message : String(input.error));
  const now = new Date().toISOString();
  const tests = (input.tests ?? TEST_CATALOG.filter((t) => input.cell.suites.length === 0 || input.cell.suites.includes(t.feature)))
    .map((t) => (typeof t === 'string' ? catalogEntry(t) : t));
  const record: ResultRecord = {
    schemaVersion: RESULT_RECORD_SCHEMA_VERSION,
    runId: input.runId,
    runner: input.runner,
    cell: input.cell,
    release: input.release,
    environment: input.environment ?? {},
    doubles: input.doubles ?? [],
    startedAt: now,
    endedAt: now,
    status: 'infra-error',
    infraError: { step: input.step, message },
    tests: tests.map((t) => ({
      id: t.id,
      feature: t.feature,
      variant: t.variant,
      title: t.title,
      project: input.cell.platform,
      expected: expectedFor(input.profile, input.cell, t),
      outcome: 'infra-error',
      durationMs: 0,
      retries: 0,
      error: `not run: ${input.step} failed: ${message}`,
      artifacts: [],
      startedAt: now,
    })),
  };
  writeRecordAtomically(input.outFile, record);
  return record;
}

function catalogEntry(id: string): CatalogTest {
  const entry = TEST_CATALOG.find((t) => t.id === id);
  if (!entry) throw new Error(`writeInfraErrorRecord: unknown test id "${id}" (not in matrix/test-catalog.ts)`);
  return entry;
}

function expectedFor(profile: ReleaseProfile | undefined, cell: Cell, test: CatalogTest): ExpectedOutcome {
  if (profile) return expectedOutcome(profile, cell.platform, test);
  return { expect: 'pass', claim: 'supported', reason: 'not derived: no release profile was given' };
}
