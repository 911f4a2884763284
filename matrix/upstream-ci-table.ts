import { readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from './input-error.ts';
import { compareReleases } from './load-release-profile.ts';
import { anything, literal, obj, record, req, str } from './schema/schema-node.ts';
import { findViolation } from './schema/validate.ts';
import { sourcePath } from './source-root.ts';
import { TEST_CATALOG } from './test-catalog.ts';
import { PLATFORM_ID, type PlatformId } from './vocabulary.ts';
import { displayPath, YamlSource } from './yaml-source.ts';

/** How upstream CI's results map onto the harness, per kata version (matrix/upstream-ci/kata-X.Y.Z.yaml): the job's
 *  hypervisor → a platform, each bats file and @test name → a catalog test id, or null for a bats test the catalog
 *  has no counterpart of. Data, read at the kata tag it names; `coco-conformance import` reads it. */
export interface UpstreamCiTable {
  schemaVersion: 1;
  kata: string;
  hypervisors: Record<string, PlatformId>;
  tests: Record<string, Record<string, string | null>>;
  /** The file it was read from, for records and messages. */
  file: string;
}

export const UPSTREAM_CI_DIR = sourcePath('matrix/upstream-ci');

const TABLE_SCHEMA = obj({
  schemaVersion: req(literal(1)),
  kata: req(str({ pattern: /^\d+\.\d+\.\d+$/, patternHint: 'a kata version like "3.31.0"' })),
  hypervisors: req(record(str(PLATFORM_ID))),
  // A catalog id or null: checked below, where the catalog is known.
  tests: req(record(record(anything()))),
});

export function loadUpstreamCiTable(file: string): UpstreamCiTable {
  const source = YamlSource.read(file);
  const violation = findViolation(source.value, TABLE_SCHEMA);
  if (violation) throw source.error(violation.path, violation.problem, violation.at);
  const table = { ...(source.value as Omit<UpstreamCiTable, 'file'>), file: source.displayFile };
  const ids = new Set(TEST_CATALOG.map((t) => t.id));
  const mappedFrom = new Map<string, string>();
  for (const [batsFile, tests] of Object.entries(table.tests)) {
    for (const [name, id] of Object.entries(tests)) {
      if (id === null) continue;
      if (typeof id !== 'string' || !ids.has(id)) {
        throw source.error(['tests', batsFile, name], `${JSON.stringify(id)} is not a catalog test id (matrix/test-catalog.ts) nor ~`);
      }
      // One bats test per catalog test: two results for one test id in one record would hide one of them.
      const earlier = mappedFrom.get(id);
      if (earlier) throw source.error(['tests', batsFile, name], `${id} is already the mapping of ${earlier}`);
      mappedFrom.set(id, `${batsFile}: ${name}`);
    }
  }
  return table;
}

/** The table for a release's kata: the newest one whose kata version is not after it. */
export function upstreamCiTableFor(kataVersion: string, dir = UPSTREAM_CI_DIR): UpstreamCiTable {
  const versions = readdirSync(dir).map((name) => /^kata-(\d+\.\d+\.\d+)\.yaml$/.exec(name)?.[1]).filter((v): v is string => !!v).sort(compareReleases);
  const version = versions.filter((v) => compareReleases(v, kataVersion) <= 0).at(-1);
  if (!version) {
    throw new InputError(displayPath(dir), '', `no mapping table for kata ${kataVersion} (tables for kata ${versions.join(', ') || 'none'}; add kata-${kataVersion}.yaml)`);
  }
  return loadUpstreamCiTable(path.join(dir, `kata-${version}.yaml`));
}
