import { expect, test } from '@playwright/test';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { loadRelease, TEST_CATALOG } from '../../matrix/index.ts';
import { loadSuiteEnvironment, type SuiteEnvironment } from '../../lib/suite-environment.ts';
import { writeRecordAtomically } from '../../reporters/record-writer.ts';
import { RESULT_RECORD_SCHEMA_VERSION, type ResultRecord } from '../../reporters/result-record.ts';
import { validateResultRecord } from '../../reporters/validate-result-record.ts';
import type { ClusterProvider } from '../../harness/providers/index.ts';
import { Progress } from '../../harness/pipeline/progress.ts';
import { defaultPipelineDeps, runCells, runExitCode, type PipelineDeps } from '../../harness/pipeline/run-cell.ts';

const scratch = scratchDirectory('infra-failure');

function cell(id: string, kubernetes: string): Cell {
  return {
    id, runner: 'r1', release: 'v0.9.0', platform: 'snp', arch: 'x86_64', cluster: { distro: 'kind', kubernetes },
    containerRuntime: 'containerd', pullMode: 'nydus', suites: ['attestation'], required: true,
  };
}

/** A provider that logs every call; create fails for Kubernetes 1.29, so one cell fails to provision. */
function fakeProvider(log: string[]): ClusterProvider {
  return {
    distro: 'kind',
    async create(spec, ctx) {
      log.push(`create ${spec.kubernetes}`);
      if (spec.kubernetes === '1.29') throw new Error('failed to create kind cluster: no space left on device');
      return { name: ctx.clusterName!, kubeconfigPath: '/k', nodes: [], createdByHarness: true };
    },
    async destroy(cluster) { log.push(`destroy ${cluster.name}`); },
    kubeconfig: (c) => c.kubeconfigPath,
    async nodes() { return [{ name: 'n1', internalIp: '127.0.0.1', labels: { 'node.kubernetes.io/worker': '' } }]; },
    async loadImage() {},
    async collectLogs() { log.push('collect'); },
    async info() { return { distro: 'kind' }; },
  };
}

function fakeDeps(log: string[], overrides: Partial<PipelineDeps> = {}): PipelineDeps {
  return {
    ...defaultPipelineDeps,
    resolveProvider: async () => fakeProvider(log),
    installContext: (cluster, provider) => ({ cluster, provider } as never),
    installRelease: async (_ctx, profile, target) => {
      log.push(`install ${target.platform} on ${target.workerNode}${target.doubles?.chart ? ` with ${target.doubles.chart.reference}` : ''}`);
      return { release: profile.release, platform: target.platform, method: 'operator', namespace: 'confidential-containers-system', overlay: 'default', runtimeClasses: ['kata-qemu-snp'], componentImages: {} };
    },
    uninstallRelease: async () => { log.push('uninstall'); },
    deployKbs: async () => { log.push('kbs'); return { endpoint: { url: 'http://127.0.0.1:30080', isDouble: false }, deployedByHarness: true }; },
    captureEnvironment: async () => ({ kernel: '6.1.0-test' }),
    platformSetupFor: () => undefined,
    runSuites: async (input) => {
      log.push(`suites ${input.cell.id}`);
      // As the suites' reporter does: who ran and where the record goes, from the suite environment file alone.
      const suiteEnv = loadSuiteEnvironment({ COCO_SUITE_ENV: input.suiteEnvFile });
      const record: ResultRecord = {
        schemaVersion: RESULT_RECORD_SCHEMA_VERSION, runId: suiteEnv.runId, runner: input.cell.runner, cell: input.cell,
        release: input.cell.release, environment: {}, doubles: [], startedAt: new Date().toISOString(),
        endedAt: new Date().toISOString(), status: 'complete', tests: [],
      };
      writeRecordAtomically(suiteEnv.recordFile!, record);
      return { exitCode: 0 };
    },
    ...overrides,
  };
}

function options(outDir: string, lines: string[]) {
  return {
    runId: 'run-1', outDir, stateDir: scratch('state/run-1'), keepCluster: false, dryRun: false, signal: new AbortController().signal,
    progress: new Progress((text) => lines.push(text), false), log: () => {},
  };
}

test('a provision failure marks the cell INFRA-FAIL and the next cell still runs', async () => {
  const log: string[] = [];
  const lines: string[] = [];
  const opts = options(scratch('out'), lines);
  const results = await runCells([cell('v0.9.0/snp/kind-1.29/containerd/nydus', '1.29'), cell('v0.9.0/snp/kind-1.30/containerd/nydus', '1.30')],
    opts, fakeDeps(log));
  expect(existsSync(opts.stateDir), 'both cells\' state folders and the run\'s are removed').toBe(false);

  expect(results.map((r) => r.status)).toEqual(['infra-error', 'complete']);
  expect(results[0]!.failedStep).toBe('provision');
  expect(runExitCode(results)).toBe(1);
  const failed = JSON.parse(readFileSync(results[0]!.recordFile!, 'utf8')) as ResultRecord;
  expect(validateResultRecord(failed)).toMatchObject({ ok: true });
  expect(failed.status).toBe('infra-error');
  expect(failed.infraError).toEqual({ step: 'provision', message: 'failed to create kind cluster: no space left on device' });
  expect(failed.tests.length).toBeGreaterThan(0);
  expect(new Set(failed.tests.map((t) => t.outcome))).toEqual(new Set(['infra-error']));
  expect(new Set(failed.tests.map((t) => t.feature))).toEqual(new Set(['attestation']));
  // The half-made cluster of the failed cell is destroyed; the second cell runs every step and is torn down last,
  // after its logs were collected.
  expect(log).toEqual([
    'create 1.29', expect.stringMatching(/^destroy coco-[0-9a-f]{8}$/),
    'create 1.30', 'install snp on n1', 'kbs', 'suites v0.9.0/snp/kind-1.30/containerd/nydus', 'uninstall', 'collect',
    expect.stringMatching(/^destroy coco-[0-9a-f]{8}$/),
  ]);
  // The step's duration is whatever the machine took: only its shape is asserted.
  expect(lines.some((l) => /^\[cell v0\.9\.0\/snp\/kind-1\.29\/containerd\/nydus\] provision ✗ \d+\.\ds: failed to create kind cluster: no space left on device\n$/.test(l))).toBe(true);
  expect(lines.some((l) => /^\[cell v0\.9\.0\/snp\/kind-1\.30\/containerd\/nydus\] install ✓ \d+\.\ds\n$/.test(l))).toBe(true);
});

test('an install failure is INFRA-FAIL at step install; logs are collected before the cluster is destroyed', async () => {
  const log: string[] = [];
  const deps = fakeDeps(log, {
    installRelease: async () => { throw new Error('failed to install release v0.9.0 for snp: release not ready after 300s (runtime-classes): runtime class kata-qemu-snp not present'); },
  });
  const [result] = await runCells([cell('v0.9.0/snp/kind-1.30/containerd/nydus', '1.30')], options(scratch('out'), []), deps);
  expect(result!.status).toBe('infra-error');
  const record = JSON.parse(readFileSync(result!.recordFile!, 'utf8')) as ResultRecord;
  expect(record.infraError?.step).toBe('install');
  expect(record.infraError?.message).toContain('runtime class kata-qemu-snp not present');
  expect(record.environment).toEqual({}); // environment is captured after install; nothing invented
  expect(log).toEqual(['create 1.30', 'collect', expect.stringMatching(/^destroy /)]);
});

test('--keep-cluster keeps the cluster but still collects logs', async () => {
  const log: string[] = [];
  const lines: string[] = [];
  const opts = { ...options(scratch('out'), lines), keepCluster: true };
  const [result] = await runCells([cell('v0.9.0/snp/kind-1.30/containerd/nydus', '1.30')], opts, fakeDeps(log));
  expect(result!.status).toBe('complete');
  // The kept cluster's kubeconfig is in the cluster's own state folder, kept with it, and so is the cell's.
  expect(result!.keptStateDir).toMatch(new RegExp(`^${opts.stateDir}/cluster-coco-[0-9a-f]{8}$`));
  expect(existsSync(result!.keptStateDir!)).toBe(true);
  expect(existsSync(join(opts.stateDir, 'v0.9.0_snp_kind-1.30_containerd_nydus'))).toBe(true);
  expect(log.at(-1)).toBe('collect');
  expect(log.some((l) => l.startsWith('destroy'))).toBe(false);
  expect(lines.some((l) => l.includes('teardown skipped (--keep-cluster): kubeconfig /k'))).toBe(true);
});

test('a platform setup runs before the install and hands it its install doubles; a KBS it provides replaces trustee, its doubles reach the suites, and it is cleaned up', async () => {
  const log: string[] = [];
  let suiteEnv: { kbs?: { url?: string; isDouble: boolean }; doubles?: string[] } | undefined;
  const deps = fakeDeps(log, {
    platformSetupFor: () => ({
      providesKbs: true,
      async prepare(ctx) {
        log.push(`prepare ${ctx.cell.platform}`);
        return {
          suiteEnv: { kbs: { url: 'http://127.0.0.1:18080', isDouble: true } },
          doubles: ['kbs: trustee admin API double', 'install: chart double'],
          installDoubles: { descriptions: ['install: chart double'], chart: { reference: 'oci://127.0.0.1:5000/c', args: [], values: {} } },
          cleanup: async () => { log.push('cleanup'); },
        };
      },
    }),
    runSuites: async (input) => {
      suiteEnv = JSON.parse(readFileSync(input.suiteEnvFile, 'utf8'));
      log.push('suites');
      return defaultSuites(input);
    },
  });
  const [result] = await runCells([cell('v0.9.0/snp/kind-1.30/containerd/nydus', '1.30')], options(scratch('out'), []), deps);
  expect(result!.status).toBe('complete');
  expect(log).toEqual(['create 1.30', 'prepare snp', 'install snp on n1 with oci://127.0.0.1:5000/c', 'suites', 'uninstall', 'collect', 'cleanup',
    expect.stringMatching(/^destroy /)]);
  expect(suiteEnv?.kbs).toEqual({ url: 'http://127.0.0.1:18080', isDouble: true });
  expect(suiteEnv?.doubles).toEqual(['kbs: trustee admin API double', 'install: chart double']);
});

test('the suite environment carries the plan step\'s expected outcomes under the cell\'s pull mode, and the record file: the suites derive nothing', async () => {
  const written: SuiteEnvironment[] = [];
  const deps = fakeDeps([], {
    runSuites: async (input) => {
      written.push(loadSuiteEnvironment({ COCO_SUITE_ENV: input.suiteEnvFile }));
      return defaultSuites(input);
    },
  });
  const suites: Cell['suites'] = ['attestation', 'guest-pull'];
  const hostPull = { ...cell('v0.9.0/snp/kind-1.30/containerd/host', '1.30'), pullMode: 'host' as const, suites };
  const nydus = { ...cell('v0.9.0/snp/kind-1.30/containerd/nydus', '1.30'), suites };
  const results = await runCells([hostPull, nydus], options(scratch('out'), []), deps);
  expect(results.map((r) => r.status)).toEqual(['complete', 'complete']);
  const [host, guest] = written as [SuiteEnvironment, SuiteEnvironment];
  expect(host.recordFile).toBe(results[0]!.recordFile);
  // Exactly the cell's tests, on its platform: the catalog's attestation and guest-pull tests.
  const ids = TEST_CATALOG.filter((t) => suites.includes(t.feature)).map((t) => t.id);
  expect(Object.keys(host.expected)).toEqual(['snp']);
  expect(Object.keys(host.expected.snp!)).toEqual(ids);
  // v0.9.0 claims guest pull on SNP (v0.9.0.yaml): expected to pass where the pods pull in the guest (nydus), to fail
  // where the cell pulls on the host — the pull mode reaches the suites through the derivation, not around it.
  expect(guest.expected.snp!['guest-pull/not-unpacked-on-host']).toMatchObject({ expect: 'pass', claim: 'supported' });
  expect(host.expected.snp!['guest-pull/not-unpacked-on-host']).toMatchObject({ expect: 'fail' });
});

async function defaultSuites(input: Parameters<PipelineDeps['runSuites']>[0]) {
  return fakeDeps([]).runSuites(input);
}

test('suites that write no record are an infra failure of step suites', async () => {
  const deps = fakeDeps([], { runSuites: async () => ({ exitCode: 1 }) });
  const [result] = await runCells([cell('v0.9.0/snp/kind-1.30/containerd/nydus', '1.30')], options(scratch('out'), []), deps);
  expect(result!.status).toBe('infra-error');
  expect(result!.failedStep).toBe('suites');
  expect(existsSync(result!.recordFile!)).toBe(true);
  expect(loadRelease('v0.9.0').release).toBe('v0.9.0');
});

test('a rerun whose provision fails records exactly the tests it planned, with their planned outcomes', async () => {
  const opts = { ...options(scratch('out-rerun'), []), testIds: new Map([['v0.9.0/snp/kind-1.29/containerd/nydus', ['attestation/resource-withheld-deny-all']]]) };
  const [result] = await runCells([cell('v0.9.0/snp/kind-1.29/containerd/nydus', '1.29')], opts, fakeDeps([]));
  expect(result!.status).toBe('infra-error');
  const record = JSON.parse(readFileSync(result!.recordFile!, 'utf8')) as ResultRecord;
  expect(record.tests.map((t) => `${t.id} ${t.outcome}`)).toEqual(['attestation/resource-withheld-deny-all infra-error']);
  expect(record.tests[0]!.expected.expect, 'the outcome the plan derived for the negative test on snp').toBe('pass');
  expect(record.tests[0]!.expected.reason ?? '').not.toContain('not derived');
});

test.describe('cells that share a cluster spec share one cluster', () => {
  const onOne = (release: string): Cell => ({ ...cell(`${release}/snp/kind-1.30/containerd/nydus`, '1.30'), release });

  test('provisioned once; per release install → KBS → suites → uninstall; torn down after the last', async () => {
    const log: string[] = [];
    const results = await runCells([onOne('v0.9.0'), onOne('v0.12.0')], options(scratch('out'), []), fakeDeps(log));
    expect(results.map((r) => r.status)).toEqual(['complete', 'complete']);
    expect(log).toEqual([
      'create 1.30',
      'install snp on n1', 'kbs', 'suites v0.9.0/snp/kind-1.30/containerd/nydus', 'uninstall', 'collect',
      'install snp on n1', 'kbs', 'suites v0.12.0/snp/kind-1.30/containerd/nydus', 'uninstall', 'collect',
      expect.stringMatching(/^destroy coco-[0-9a-f]{8}$/),
    ]);
  });

  test('a leftover after an uninstall fails the cell, is recorded, and the next release gets a fresh cluster', async () => {
    const log: string[] = [];
    const deps = fakeDeps(log, {
      uninstallRelease: async (_ctx, profile) => {
        log.push(`uninstall ${profile.release}`);
        if (profile.release === 'v0.9.0') throw new Error('failed to uninstall release v0.9.0: the uninstall left runtime class kata-qemu-snp');
      },
    });
    const [first, second] = await runCells([onOne('v0.9.0'), onOne('v0.12.0')], options(scratch('out'), []), deps);
    expect(first).toMatchObject({ status: 'infra-error', failedStep: 'uninstall' });
    const record = JSON.parse(readFileSync(first!.recordFile!, 'utf8')) as ResultRecord;
    expect(record.runErrors).toEqual(['uninstall: failed to uninstall release v0.9.0: the uninstall left runtime class kata-qemu-snp']);
    expect(second!.status).toBe('complete');
    expect(log.filter((line) => /^(create|destroy|uninstall)/.test(line))).toEqual([
      'create 1.30', 'uninstall v0.9.0', expect.stringMatching(/^destroy /), 'create 1.30', 'uninstall v0.12.0', expect.stringMatching(/^destroy /),
    ]);
    expect(runExitCode([first!, second!])).toBe(1);
  });
});
