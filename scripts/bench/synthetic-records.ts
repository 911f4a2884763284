import { join } from 'node:path';
import { expectedOutcome, TEST_CATALOG, type CatalogTest, type PlatformId, type ReleaseProfile } from '../../matrix/index.ts';
import { RESULT_RECORD_SCHEMA_VERSION, recordFileName, writeRecordAtomically, type Outcome, type ResultRecord, type TestRecord } from '../../reporters/index.ts';

/** Synthetic result records shaped like a year of nightly runs: N runners (each one matrix cell) × nights × tests,
 *  written one file at a time with the harness's own record writer, so nothing but the record being written is in
 *  memory. Used by the report benchmark and by the self-test of a report over a year of nights. */
export interface SyntheticPlan {
  profile: ReleaseProfile;
  runners: number;
  nights: number;
  /** Tests per record: the catalog, then copies of it under suffixed ids until the count is reached. */
  testsPerRecord: number;
  /** UTC date of the first night. */
  firstNight: string;
  /** The outcome of a test on a night; `natural` is what the release expects there. Default: `natural`. */
  outcome?: (at: SyntheticAttempt) => Outcome;
  /** Whether a runner reruns its cell later the same night (default never). */
  rerun?: (runner: SyntheticRunner, night: number) => boolean;
}

export interface SyntheticRunner {
  index: number;
  name: string;
  platform: PlatformId;
}

export interface SyntheticAttempt {
  runner: SyntheticRunner;
  night: number;
  /** 0 for the night's first run, 1 for its rerun. */
  attempt: number;
  testId: string;
  catalog: CatalogTest;
  natural: Outcome;
}

export interface SyntheticSummary {
  files: number;
  tests: number;
  runners: SyntheticRunner[];
  /** One folder per runner, in runner order. */
  folders: string[];
}

/** The platforms runners are spread over, most-claimed first, as a nightly fleet would be. */
const FLEET: PlatformId[] = ['tdx', 'snp', 'se', 'tdx', 'snp', 'control', 'sev', 'tdx', 'snp', 'se', 'control', 'sev', 'coco-dev'];

const ENVIRONMENTS: Partial<Record<PlatformId, ResultRecord['environment']>> = {
  tdx: { cpuModel: 'Intel(R) Xeon(R) Platinum 8580', kernel: '6.8.0-1004-intel', os: 'Ubuntu 24.04 LTS', kubernetesServer: 'v1.30.2', kubernetesDistro: 'Kubeadm', kustomize: 'v5.0.4', containerd: '1.7.12' },
  snp: { cpuModel: 'AMD EPYC 7413 24-Core Processor', kernel: '6.8.0-snp-host', os: 'Ubuntu 22.04.4 LTS', kubernetesServer: 'v1.24.0', kubernetesDistro: 'Kubeadm', kustomize: 'v5.0.4', containerd: '1.7.12' },
  se: { cpuModel: 'IBM z16 (3931)', kernel: '5.15.0-101-generic', os: 'Ubuntu 22.04.1 LTS', kubernetesServer: 'v1.28.4+k3s1', kubernetesDistro: 'k3s', containerd: '1.7.11-k3s2' },
  sev: { cpuModel: 'AMD EPYC 7452 32-Core Processor', kernel: '6.8.0-sev', os: 'Ubuntu 22.04.4 LTS', kubernetesServer: 'v1.30.2', kubernetesDistro: 'Kubeadm' },
};
const CONTROL_ENV: ResultRecord['environment'] = { cpuModel: 'AMD EPYC 7763 64-Core Processor', kernel: '6.1.0-18-amd64', os: 'Debian GNU/Linux 12 (bookworm)', kubernetesServer: 'v1.30.14', kubernetesDistro: 'Kubeadm' };

export function syntheticRunners(count: number): SyntheticRunner[] {
  return Array.from({ length: count }, (_, index) => {
    const platform = FLEET[index % FLEET.length]!;
    return { index, platform, name: `${platform}-runner-${String(index).padStart(3, '0')}` };
  });
}

export function nightDate(firstNight: string, night: number): string {
  return new Date(Date.parse(`${firstNight}T00:00:00.000Z`) + night * 86_400_000).toISOString().slice(0, 10);
}

/** Writes every record of the plan under `dir` (one folder per runner) and says what it wrote. */
export function writeSyntheticRecords(dir: string, plan: SyntheticPlan): SyntheticSummary {
  const runners = syntheticRunners(plan.runners);
  const tests = testSet(plan.testsPerRecord);
  let files = 0;
  let results = 0;
  const folders: string[] = [];
  for (const runner of runners) {
    const folder = join(dir, runner.name);
    folders.push(folder);
    const cell = cellOf(plan.profile.release, runner);
    for (let night = 0; night < plan.nights; night++) {
      const attempts = plan.rerun?.(runner, night) ? 2 : 1;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const startedAt = `${nightDate(plan.firstNight, night)}T${String(1 + attempt * 4).padStart(2, '0')}:${String(runner.index % 60).padStart(2, '0')}:00.000Z`;
        const runId = `${nightDate(plan.firstNight, night)}-${runner.name}-${attempt}`;
        const record: ResultRecord = {
          schemaVersion: RESULT_RECORD_SCHEMA_VERSION, runId, runner: runner.name, cell, release: plan.profile.release,
          environment: ENVIRONMENTS[runner.platform] ?? CONTROL_ENV, doubles: runner.platform === 'control' ? ['kbs: trustee admin API double'] : [],
          startedAt, endedAt: startedAt.replace(/T0(\d)/, (_, h: string) => `T0${Number(h) + 1}`), status: 'complete',
          planned: tests.map((t) => ({ id: t.id, feature: t.catalog.feature, project: runner.platform })),
          tests: tests.map((t) => testRecord(plan, runner, night, attempt, t, startedAt)),
        };
        writeRecordAtomically(join(folder, recordFileName(cell.id, runner.name, runId)), record);
        files++;
        results += record.tests.length;
      }
    }
  }
  return { files, tests: results, runners, folders };
}

function testSet(count: number): { id: string; catalog: CatalogTest }[] {
  return Array.from({ length: count }, (_, i) => {
    const catalog = TEST_CATALOG[i % TEST_CATALOG.length]!;
    const copy = Math.floor(i / TEST_CATALOG.length);
    return { id: copy ? `${catalog.id}~${copy}` : catalog.id, catalog };
  });
}

function cellOf(release: string, runner: SyntheticRunner): ResultRecord['cell'] {
  const distro = runner.platform === 'se' ? 'k3s' : 'kubeadm';
  return {
    id: `${release}/${runner.platform}/${distro}-1.30/containerd/nydus`, runner: runner.name, release, platform: runner.platform,
    arch: runner.platform === 'se' ? 's390x' : 'x86_64', cluster: { distro, kubernetes: '1.30' }, containerRuntime: 'containerd',
    pullMode: runner.platform === 'control' ? 'host' : 'nydus', suites: [], required: runner.platform !== 'sev' && runner.platform !== 'coco-dev',
  };
}

function testRecord(plan: SyntheticPlan, runner: SyntheticRunner, night: number, attempt: number, t: { id: string; catalog: CatalogTest }, startedAt: string): TestRecord {
  const expected = expectedOutcome(plan.profile, runner.platform, t.catalog);
  const natural: Outcome = expected.expect === 'pass' ? 'passed' : expected.expect === 'fail' ? 'expected-failure' : 'skipped';
  const outcome = plan.outcome?.({ runner, night, attempt, testId: t.id, catalog: t.catalog, natural }) ?? natural;
  const record: TestRecord = {
    id: t.id, feature: t.catalog.feature, variant: t.catalog.variant, title: t.catalog.title, project: runner.platform, expected, outcome,
    durationMs: 4_000 + ((night * 7919 + runner.index * 104_729) % 20_000), retries: outcome === 'flaky' ? 1 : 0, artifacts: [], startedAt,
  };
  if (outcome === 'skipped') record.skipReason = expected.expect === 'skip' ? expected.reason : 'skipped by the suite';
  if (outcome === 'failed') {
    record.error = `Error: ${t.id} failed on ${runner.name}: pod cc-${night} not Ready after 180s\n    at suites/${t.catalog.feature}.spec.ts:42:7`;
    record.artifacts = [`artifacts/${runner.name}/${night}/${t.id}/pod-describe.txt`, `artifacts/${runner.name}/${night}/${t.id}/kata-journal.txt`];
  }
  if (outcome === 'infra-error') record.error = 'not run: install failed: operator pods not Running after 600s';
  return record;
}
