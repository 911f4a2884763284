import type { Cell } from '../../matrix/cell.ts';
import type { Claim } from '../../matrix/release-profile.ts';
import { TEST_CATALOG } from '../../matrix/test-catalog.ts';
import type { ClaimStatus, Feature, PlatformId } from '../../matrix/vocabulary.ts';
import type { EnvironmentFacts, Outcome, ResultRecord, TestRecord } from '../../reporters/result-record.ts';
import type { ReportProfile } from '../../reporters/compatibility-report.ts';

/** Builders for small, readable records and profiles: every self-test states only what matters to it. */

export const RELEASE = 'v9.9.9';

type ClaimTable = Partial<Record<Feature, Partial<Record<PlatformId, ClaimStatus | Claim>>>>;

const SAMPLE_PLATFORM_NAMES: Record<string, [string, string]> = {
  tdx: ['Intel TDX', 'TDX'],
  snp: ['AMD SEV-SNP', 'SEV-SNP'],
  sev: ['AMD SEV', 'SEV'],
  se: ['Secure Execution on IBM zSystems (s390x) running LinuxONE', 'IBM SE'],
  'coco-dev': ['non-TEE development (coco-dev)', 'coco-dev'],
  'enclave-cc-hw': ['enclave-cc (Intel SGX hardware)', 'enclave-cc hw'],
  'enclave-cc-sim': ['enclave-cc (SGX simulation)', 'enclave-cc sim'],
  control: ['control (runc, no confidentiality)', 'control'],
};
const platformRank = (id: string) => {
  const rank = Object.keys(SAMPLE_PLATFORM_NAMES).indexOf(id);
  return rank < 0 ? Number.MAX_SAFE_INTEGER : rank;
};

export function profile(claims: ClaimTable, unshipped: PlatformId[] = []): ReportProfile {
  const platforms: ReportProfile['platforms'] = {};
  const ids = new Set<PlatformId>([...Object.values(claims).flatMap((c) => Object.keys(c ?? {}) as PlatformId[]), ...unshipped]);
  // In the order (and with the names) the release profiles give them, so the golden reports read as real ones do.
  for (const id of [...ids].sort((a, b) => platformRank(a) - platformRank(b))) {
    const [name, shortName] = SAMPLE_PLATFORM_NAMES[id] ?? [id, id];
    platforms[id] = { name, shortName, runtimeClass: `kata-qemu-${id}`, handler: `kata-qemu-${id}`, arches: ['x86_64'], tee: id !== 'control', shipped: !unshipped.includes(id) };
  }
  const table = {} as ReportProfile['claims'];
  for (const [feature, row] of Object.entries(claims)) {
    table[feature as Feature] = Object.fromEntries(
      Object.entries(row ?? {}).map(([p, c]) => [p, typeof c === 'string' ? { status: c } : c]),
    );
  }
  return { release: RELEASE, platforms, claims: table };
}

export function cell(platform: PlatformId, runner: string, suites: Feature[] = [], required = true): Cell {
  return {
    id: `${RELEASE}/${platform}/kubeadm-1.30/containerd/nydus`, runner, release: RELEASE, platform, arch: 'x86_64',
    cluster: { distro: 'kubeadm', kubernetes: '1.30' }, containerRuntime: 'containerd', pullMode: 'nydus', suites, required,
  };
}

/** A test result: [catalog test id, outcome] plus any field to override. */
export type TestSpec = [string, Outcome, Partial<TestRecord>?];

export function test(spec: TestSpec, platform: PlatformId, startedAt: string): TestRecord {
  const [id, outcome, extra] = spec;
  const catalog = TEST_CATALOG.find((t) => t.id === id);
  if (!catalog) throw new Error(`sample uses unknown test id ${id}`);
  const expectFail = outcome === 'expected-failure' || outcome === 'failed-wrong-reason' || outcome === 'unexpected-pass';
  const record: TestRecord = {
    id, feature: catalog.feature, variant: catalog.variant, title: catalog.title, project: platform,
    expected: expectFail ? { expect: 'fail', claim: 'limitation', reason: 'a documented limitation' } : { expect: 'pass', claim: 'supported' },
    outcome, durationMs: 1500, retries: outcome === 'flaky' ? 1 : 0, artifacts: [], startedAt,
  };
  if (outcome === 'failed') record.error = `Error: ${id} failed\n    at suites/${catalog.feature}.spec.ts:42:7`;
  if (outcome === 'skipped') record.skipReason = 'KBS not set up';
  if (outcome === 'infra-error') record.error = 'not run: install failed';
  return { ...record, ...extra };
}

export interface RecordSpec {
  platform: PlatformId;
  runner: string;
  runId?: string;
  startedAt?: string;
  status?: ResultRecord['status'];
  environment?: EnvironmentFacts;
  doubles?: string[];
  tests: TestSpec[];
  release?: string;
  /** Test ids the run planned (all on the record's platform project). */
  planned?: string[];
  /** Whether the cell counts for sign-off (default true). */
  required?: boolean;
}

export function record(spec: RecordSpec): ResultRecord {
  const startedAt = spec.startedAt ?? '2024-07-20T01:00:00.000Z';
  const r: ResultRecord = {
    schemaVersion: 1,
    runId: spec.runId ?? `run-${spec.runner}-${startedAt.slice(0, 10)}`,
    runner: spec.runner,
    cell: cell(spec.platform, spec.runner, [], spec.required ?? true),
    release: spec.release ?? RELEASE,
    environment: spec.environment ?? {},
    doubles: spec.doubles ?? [],
    startedAt,
    endedAt: startedAt.replace('T01:', 'T02:'),
    status: spec.status ?? 'complete',
    tests: spec.tests.map((t) => test(t, spec.platform, startedAt)),
  };
  if (spec.planned) {
    r.planned = spec.planned.map((id) => ({ id, feature: TEST_CATALOG.find((t) => t.id === id)!.feature, project: spec.platform }));
  }
  if (r.status === 'infra-error') r.infraError = { step: 'install', message: 'operator pods not Running after 600s' };
  return r;
}
