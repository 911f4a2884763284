import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { loadRelease, profileForCell } from '../../matrix/index.ts';
import { planCellTests, type PlannedTest } from '../../matrix/plan-cells.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { ClusterDistro, PlatformId } from '../../matrix/vocabulary.ts';
import { writeInfraErrorRecord, writeSkippedCellRecord, type EnvironmentFacts } from '../../reporters/index.ts';
import { captureEnvironment, writeEnvironmentFile, type CaptureInput } from '../environment/capture-environment.ts';
import { installContext, installRelease, uninstallRelease, type InstalledRelease } from '../install/index.ts';
import { deployKbs, kbsRunnerInputsFromEnv, removeKbs, useExternalKbs, type DeployedKbs } from '../kbs/index.ts';
import { platformSetupFor, type PlatformSetup, type PreparedPlatform } from '../platforms/index.ts';
import {
  commandOutputToFile, kubectlArgv, resolveProvider, stepCommand,
  type ClusterProvider, type ProviderContext, type ProvisionedCluster,
} from '../providers/index.ts';
import { appendRunError, DryRunRecorder, writeDryRunFiles, writeInterruptedRecord } from './cell-record.ts';
import { cellWorkspace, makePrivateFolder, removeRunStateDirIfEmpty, removeStateFolder, type CellWorkspace } from './cell-workspace.ts';
import type { Progress } from './progress.ts';
import { InterruptedError } from './signals.ts';
import { allureResultsDir, writeSuiteEnvironment } from '../../lib/suite-environment.ts';
import { buildSuiteEnvironment } from './suite-environment-builder.ts';
import { runSuites } from './suite-run.ts';

// One cell's life, in the order it happens: runCells → runCell → the forward steps (plan → provision → install →
// KBS → environment → platform setup → suites) → collect and teardown → the cell's record (cell-record.ts). Where
// its files go is cell-workspace.ts.

export interface PipelineOptions {
  runId: string;
  outDir: string;
  /** The run's private state folder, outside outDir (cell-workspace.ts runStateDir): each cell's keys, credentials
   *  and kubeconfig copies live in a subfolder that teardown removes. */
  stateDir: string;
  keepCluster: boolean;
  dryRun: boolean;
  /** A KBS run elsewhere (`--kbs-url`, `--kbs-admin-key`): nothing is deployed. */
  externalKbs?: { url: string; adminKeyFile: string };
  /** One cluster per cell even where cells share a cluster spec (the sweep benchmark's baseline). */
  clusterPerCell?: boolean;
  /** For `--rerun-failed`: per cell id, the test ids to run again. */
  testIds?: Map<string, string[]>;
  /** Aborted by the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  progress: Progress;
  log(line: string): void;
}

/** How one cell ended. */
export interface CellResult {
  cell: Cell;
  /** skipped: every test of the cell is expected to skip (a platform the release does not ship); nothing ran. */
  status: 'complete' | 'infra-error' | 'interrupted' | 'skipped' | 'dry-run';
  recordFile?: string;
  failedStep?: string;
  error?: string;
  /** Why a skipped cell had nothing to run (the profile's note). */
  skipReason?: string;
  /** Interrupted: the planned tests that never finished. */
  unfinished?: string[];
  /** --keep-cluster: the state folder left behind on purpose (it holds the kubeconfig). */
  keptStateDir?: string;
  /** Playwright's exit code (1 when a test had an unexpected result). */
  suitesExitCode?: number | null;
  /** Where this cell's suites wrote their Allure results in this run (allureResultsDir), once they started. */
  allureResults?: string;
  dryRunFiles?: string[];
}

export interface DryRunSuitesInput {
  release: string;
  platform: PlatformId;
  cell: Cell;
  outDir: string;
  kbsUrl?: string;
}

/** Everything the pipeline acts through. The CLI uses the real ones; the pipeline's own tests swap in fakes
 *  (a failing provider, suites that only write a record) without touching a cluster. */
export interface PipelineDeps {
  loadRelease(release: string): ReleaseProfile;
  resolveProvider(distro: ClusterDistro): Promise<ClusterProvider>;
  installContext: typeof installContext;
  installRelease: typeof installRelease;
  uninstallRelease: typeof uninstallRelease;
  deployKbs: typeof deployKbs;
  removeKbs: typeof removeKbs;
  useExternalKbs: typeof useExternalKbs;
  captureEnvironment(input: CaptureInput): Promise<EnvironmentFacts>;
  runSuites: typeof runSuites;
  runDryRunSuites(input: DryRunSuitesInput): Promise<void>;
  platformSetupFor(platform: PlatformId): PlatformSetup | undefined;
}

/** The suites' dry run lives with the fixtures it plans from (lib/dry-run); loaded only when a dry run asks,
 *  so a normal run never pays for it. */
async function runDryRunSuites(input: DryRunSuitesInput): Promise<void> {
  const { runDryRun } = await import('../../lib/dry-run/index.ts');
  await runDryRun(input);
}

export const defaultPipelineDeps: PipelineDeps = {
  loadRelease: (release) => loadRelease(release),
  resolveProvider,
  installContext,
  installRelease,
  uninstallRelease,
  deployKbs,
  removeKbs,
  useExternalKbs,
  captureEnvironment,
  runSuites,
  runDryRunSuites,
  platformSetupFor,
};

/** What a cell has made so far: teardown undoes exactly this, whichever step stopped the cell. */
interface CellState {
  profile?: ReleaseProfile;
  /** The cell's tests with their expected outcomes, from the plan step. */
  planned?: PlannedTest[];
  /** Set by the plan step when every test is expected to skip: nothing else runs. */
  skipReason?: string;
  provider?: ClusterProvider;
  cluster?: ProvisionedCluster;
  workerNode?: { name: string; internalIp: string };
  installed?: InstalledRelease;
  kbs?: DeployedKbs;
  prepared?: PreparedPlatform;
  environment?: EnvironmentFacts;
  doubles: string[];
  /** Why the uninstall after the suites failed (leftovers named), if it did. */
  uninstallFailure?: string;
  /** The step running when the cell stopped. */
  step: string;
  suitesStarted: boolean;
  /** The suites' Allure results folder, set when they start. */
  allureResults?: string;
}

/** A cluster that outlives one cell. The cells of a run that share a cluster spec (runner, arch, cluster, container
 *  runtime) run one after another on one cluster, as upstream's CI reinstalls on one cluster: the first provisions
 *  it; each installs its release, deploys its KBS, runs its suites, uninstalls and verifies the cluster clean; it is
 *  torn down after the last — or at once when a cell failed or left it unclean, so the next cell starts on a fresh
 *  one. Its kubeconfig lives in a state folder of its own. */
interface SharedCluster {
  workDir: string;
  clusterName: string;
  provider?: ClusterProvider;
  /** As the provider would name it, so a provision that failed halfway is still cleaned up. */
  planned?: ProvisionedCluster;
  cluster?: ProvisionedCluster;
  /** The cell that provisioned it. */
  provisionedBy?: string;
}

/** The cells that can share a cluster: the same runner, arch, cluster spec and container runtime. Groups keep the
 *  order of their first cell; cells keep their order inside a group. */
export function clusterGroups(cells: readonly Cell[]): Cell[][] {
  const groups = new Map<string, Cell[]>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.runner, cell.arch, cell.cluster, cell.containerRuntime]);
    const group = groups.get(key);
    if (group) group.push(cell);
    else groups.set(key, [cell]);
  }
  return [...groups.values()];
}

/** Runs cells one after another, one cluster per group of cells that share a cluster spec. An infra failure ends
 *  only its own cell; a signal ends the run after the current cell has been torn down and recorded. */
export async function runCells(cells: Cell[], options: PipelineOptions, deps: PipelineDeps = defaultPipelineDeps): Promise<CellResult[]> {
  const results: CellResult[] = [];
  try {
    for (const group of options.clusterPerCell ? cells.map((cell) => [cell]) : clusterGroups(cells)) {
      const first = cellWorkspace(options.outDir, options.stateDir, group[0]!, options.runId);
      const shared: SharedCluster = { workDir: join(options.stateDir, `cluster-${first.clusterName}`), clusterName: first.clusterName };
      try {
        for (const [index, cell] of group.entries()) {
          if (options.signal.aborted) break;
          const result = await runCell(cell, options, deps, shared, index === group.length - 1);
          results.push(result);
          if (result.status === 'interrupted') break;
        }
      } finally {
        await retireSharedCluster(shared, options);
      }
      if (options.signal.aborted) break;
    }
  } finally {
    removeRunStateDirIfEmpty(options.stateDir);
  }
  return results;
}

/** The cluster a group leaves when its last cell did not run to the point of tearing it down (a skipped last cell,
 *  a signal between cells): torn down here; its state folder goes with it unless --keep-cluster kept it. */
async function retireSharedCluster(shared: SharedCluster, options: PipelineOptions): Promise<void> {
  const target = shared.cluster ?? (shared.planned?.createdByHarness ? shared.planned : undefined);
  if (shared.provider && target && !options.keepCluster) {
    const ctx: ProviderContext = { workDir: shared.workDir, dryRun: options.dryRun, record: () => {}, log: options.log, clusterName: shared.clusterName };
    try {
      await shared.provider.destroy(target, ctx);
    } catch (error) {
      options.log(`[cluster ${shared.clusterName}] teardown problem: ${(error as Error).message}`);
    }
    shared.cluster = undefined;
    shared.planned = undefined;
  }
  if (!options.keepCluster || !shared.cluster) removeStateFolder(shared.workDir);
}

/** 0 when every cell ran (or had nothing to run) and Playwright found nothing unexpected; 1 when a cell failed for
 *  infrastructure or a test had an unexpected result. (The sign-off verdict is `signoff`'s job; this is the run's
 *  own health.) */
export function runExitCode(results: CellResult[]): number {
  const bad = results.some((r) => r.status === 'infra-error' || (r.suitesExitCode !== undefined && r.suitesExitCode !== 0));
  return bad ? 1 : 0;
}

/** plan → provision → install → KBS → environment → platform setup → suites, then collect → teardown → record.
 *  A failure before the suites is an infrastructure failure: the cell's tests become INFRA-FAIL, not test failures.
 *  A cell in which every test is expected to skip stops after plan, with a record of skipped tests. */
async function runCell(cell: Cell, options: PipelineOptions, deps: PipelineDeps, shared: SharedCluster, last: boolean): Promise<CellResult> {
  const ws = cellWorkspace(options.outDir, options.stateDir, cell, options.runId);
  const startedAt = new Date().toISOString();
  const recorder = new DryRunRecorder();
  makePrivateFolder(options.stateDir);
  makePrivateFolder(ws.workDir);
  const ctx: ProviderContext = {
    workDir: ws.workDir,
    dryRun: options.dryRun,
    record: options.dryRun ? recorder.record : () => {},
    log: options.log,
    signal: options.signal,
    clusterName: ws.clusterName,
  };
  const state: CellState = { doubles: [], step: 'plan', suitesStarted: false };
  let failure: unknown;
  let suitesExitCode: number | null | undefined;
  try {
    suitesExitCode = await cellSteps(cell, ws, ctx, state, options, deps, shared, last);
  } catch (error) {
    failure = error;
  }
  // The next cell of the group gets the cluster only when this one ran through and left it clean.
  const handOn = !last && failure === undefined && state.uninstallFailure === undefined && !options.signal.aborted;
  // Teardown must not inherit the aborted signal of an interrupted run: it has to run to the end.
  const teardownProblems = await collectAndTearDown(state, ws, { ...ctx, signal: undefined }, options, deps, cell.id, shared, handOn);
  for (const problem of teardownProblems) options.log(`[cell ${cell.id}] teardown problem: ${problem}`);
  // The keys and credentials go with the cell; a kept cluster keeps them and its own folder, where its kubeconfig is.
  const keptStateDir = options.keepCluster && last && shared.cluster ? shared.workDir : undefined;
  if (!keptStateDir) removeStateFolder(ws.workDir);

  const allure = state.allureResults ? { allureResults: state.allureResults } : {};
  const interrupted = options.signal.aborted ? interruptOf(options.signal) : undefined;
  if (interrupted) {
    const { unfinished } = writeInterruptedRecord({ file: ws.recordFile, runId: options.runId, cell, startedAt, step: state.step,
      signal: interrupted.signal, planned: state.planned, environment: state.environment, doubles: state.doubles });
    return { cell, status: 'interrupted', recordFile: ws.recordFile, failedStep: state.step, error: interrupted.message, unfinished, keptStateDir, ...allure };
  }
  if (state.skipReason && failure === undefined) return finishSkipped(cell, ws, state, options);
  if (options.dryRun) {
    const failed = failure ?? (state.uninstallFailure === undefined ? undefined : new Error(state.uninstallFailure));
    const files = await writeDryRunFiles(recorder, ws.dryRunDir, failed === undefined ? undefined : { step: state.step, error: failed });
    if (failure !== undefined) return { cell, status: 'infra-error', failedStep: state.step, error: (failure as Error).message, dryRunFiles: files };
    return { cell, status: 'dry-run', dryRunFiles: files };
  }
  if (failure !== undefined) {
    writeInfraErrorRecord({
      outFile: ws.recordFile, runId: options.runId, runner: cell.runner, cell, release: cell.release,
      planned: state.planned, step: state.step, error: failure, environment: state.environment, doubles: state.doubles,
    });
    return { cell, status: 'infra-error', recordFile: ws.recordFile, failedStep: state.step, error: (failure as Error).message, keptStateDir, ...allure };
  }
  if (state.uninstallFailure) {
    appendRunError(ws.recordFile, `uninstall: ${state.uninstallFailure}`);
    return { cell, status: 'infra-error', recordFile: ws.recordFile, failedStep: 'uninstall', error: state.uninstallFailure, suitesExitCode, keptStateDir, ...allure };
  }
  return { cell, status: 'complete', recordFile: ws.recordFile, suitesExitCode, keptStateDir, ...allure };
}

function interruptOf(signal: AbortSignal): InterruptedError {
  return signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError('SIGTERM');
}

/** A dry run writes no record: it only says the cell would be skipped, and why. */
function finishSkipped(cell: Cell, ws: CellWorkspace, state: CellState, options: PipelineOptions): CellResult {
  const skipReason = state.skipReason!;
  options.progress.note(cell.id, `skipped: ${skipReason}`);
  if (options.dryRun) return { cell, status: 'skipped', skipReason };
  writeSkippedCellRecord({ file: ws.recordFile, runId: options.runId, cell, planned: state.planned ?? [] });
  return { cell, status: 'skipped', skipReason, recordFile: ws.recordFile };
}

const WORKER_LABEL = 'node.kubernetes.io/worker';

/** The forward steps of a cell. `state` grows as each step succeeds, so teardown knows exactly what to undo;
 *  `state.step` names the step that was running if one throws. Returns Playwright's exit code; undefined for a
 *  dry run and for a cell the plan found nothing to run in (`state.skipReason`). */
async function cellSteps(
  cell: Cell,
  ws: CellWorkspace,
  ctx: ProviderContext,
  state: CellState,
  options: PipelineOptions,
  deps: PipelineDeps,
  shared: SharedCluster,
  last: boolean,
): Promise<number | null | undefined> {
  const step = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    state.step = name;
    options.signal.throwIfAborted();
    return options.progress.step(cell.id, name, work);
  };

  // On a runtime variant the cell's platform is the variant's: its runtime class, handler and shipped (runtime-variant.ts).
  const profile = await step('plan', async () => profileForCell(deps.loadRelease(cell.release), cell));
  state.profile = profile;
  state.planned = planCellTests(cell, profile, options.testIds?.get(cell.id));
  state.skipReason = cellSkipReason(state.planned);
  if (state.skipReason) return undefined;
  const provider = shared.provider ?? await deps.resolveProvider(cell.cluster.distro);
  state.provider = provider;
  shared.provider = provider;
  const clusterCtx = sharedClusterContext(ctx, shared);
  const cluster: ProvisionedCluster = await step('provision', async () => {
    if (shared.cluster) {
      ctx.record('provision', `# the cluster ${shared.cluster.name} provisioned for ${shared.provisionedBy} is reused: same cluster spec, left clean`);
      return shared.cluster;
    }
    makePrivateFolder(shared.workDir);
    shared.planned = {
      name: shared.clusterName, kubeconfigPath: join(shared.workDir, 'kubeconfig'), nodes: [], createdByHarness: cell.cluster.distro !== 'existing',
    };
    const created = await provider.create(cell.cluster, clusterCtx);
    // A dry run keeps the nodes create already named: there is no cluster to ask.
    if (!ctx.dryRun || !created.nodes.length) created.nodes = await provider.nodes(created, clusterCtx);
    shared.cluster = created;
    shared.provisionedBy = cell.id;
    return created;
  });
  state.cluster = cluster;
  const worker = cluster.nodes.find((node) => WORKER_LABEL in node.labels) ?? cluster.nodes[0];
  if (!worker) throw new Error(`failed to provision ${cell.cluster.distro}: the cluster has no node`);
  state.workerNode = worker;

  // A platform's own setup comes first: on control it serves the release's install doubles the install uses.
  // In a dry run the setup records what it would start instead of starting it.
  const setup = deps.platformSetupFor(cell.platform);
  if (setup) {
    state.prepared = await step('platform-setup', () => setup.prepare({
      cell, profile, cluster, provider, providerContext: ctx,
      workDir: ws.workDir, outDir: ws.artifactsDir, dryRun: options.dryRun, signal: options.signal, log: options.log,
    }));
    state.doubles = [...state.prepared.doubles];
  }

  state.installed = await step('install', () => deps.installRelease(deps.installContext(cluster, ctx), profile, {
    platform: cell.platform, arch: cell.arch, workerNode: worker.name, doubles: state.prepared?.installDoubles,
  }));

  if (options.externalKbs) {
    const { url, adminKeyFile } = options.externalKbs;
    state.kbs = await step('kbs', () =>
      deps.useExternalKbs(ctx, url, adminKeyFile, profile.kbs.healthCheckExpects, profile.timeouts.kbsReadySeconds * 1000));
  } else if (!setup?.providesKbs) {
    state.kbs = await step('kbs', () => deps.deployKbs(ctx, {
      // A cell's platform is one its profile defines (cells are expanded from it); '' would select the default directory.
      recipe: profile.kbs, platform: cell.platform,
      handler: profile.platforms[cell.platform]?.handler ?? '', arch: cell.arch, cluster, nodeIp: worker.internalIp, nodeName: worker.name,
      readyTimeoutSeconds: profile.timeouts.kbsReadySeconds,
      trusteeCheckout: process.env.COCO_TRUSTEE_CHECKOUT, runnerInputs: kbsRunnerInputsFromEnv(process.env),
    }));
  }

  await step('environment', async () => {
    ctx.record('environment', `# capture environment facts into ${ws.environmentFile}`);
    if (options.dryRun) return;
    const info = await provider.info(cluster, clusterCtx);
    state.environment = await deps.captureEnvironment({
      distro: `${cell.cluster.distro}${info.kubernetesVersion ? ` ${info.kubernetesVersion}` : ''}`,
      cluster: {
        kubeconfig: cluster.kubeconfigPath, context: cluster.context,
        componentNamespaces: [state.installed?.namespace].filter((n): n is string => Boolean(n)),
      },
      extraImages: { ...state.installed?.componentImages, ...(state.kbs?.image ? { kbs: state.kbs.image } : {}) },
    });
    await writeEnvironmentFile(ws.environmentFile, state.environment);
  });

  const suiteEnv = buildSuiteEnvironment({
    cell, planned: state.planned, runId: options.runId, outDir: ws.artifactsDir, recordFile: ws.recordFile, cluster, nodeName: worker.name, kbs: state.kbs,
    environmentFile: ws.environmentFile, dryRun: options.dryRun, fromSetup: state.prepared?.suiteEnv, doubles: state.doubles,
  });
  if (options.dryRun) {
    await step('suites', () => deps.runDryRunSuites({
      release: cell.release, platform: cell.platform, cell, outDir: ws.dryRunDir, kbsUrl: suiteEnv.kbs.url,
    }));
    await uninstallStep(cluster, ctx, state, options, deps, step, last);
    return undefined;
  }
  await mkdir(dirname(ws.suiteEnvFile), { recursive: true });
  writeSuiteEnvironment(ws.suiteEnvFile, suiteEnv);
  state.suitesStarted = true;
  state.allureResults = allureResultsDir(suiteEnv);
  const result = await step('suites', async () => {
    const ran = await deps.runSuites({
      cell, suiteEnvFile: ws.suiteEnvFile, secretsFile: ws.secretsFile, testIds: options.testIds?.get(cell.id),
      playwrightLog: join(ws.logsDir, 'playwright.log'), signal: options.signal, onTestLine: (line) => options.progress.detail(line),
    });
    // Playwright stopped by the signal exits like any run; the step must read as interrupted, not as done.
    options.signal.throwIfAborted();
    return ran;
  });
  await assertRecordWritten(ws.recordFile, join(ws.logsDir, 'playwright.log'));
  await uninstallStep(cluster, ctx, state, options, deps, step, last);
  return result.exitCode;
}

/** The KBS's removal, the release's uninstall and its verification, as a step of its own once the suites are done (upstream's CI
 *  uninstalls and checks the node is clean too; a cluster that hosts the next release must start clean). Its failure
 *  — a leftover runtime class, node label, namespace or CRD — does not undo the suites' results: it is kept in
 *  state.uninstallFailure and goes into the record as a run error. --keep-cluster keeps the last cell's release
 *  installed. */
async function uninstallStep(
  cluster: ProvisionedCluster,
  ctx: ProviderContext,
  state: CellState,
  options: PipelineOptions,
  deps: PipelineDeps,
  step: <T>(name: string, work: () => Promise<T>) => Promise<T>,
  last: boolean,
): Promise<void> {
  if ((options.keepCluster && last) || !state.installed || !state.profile) return;
  const installed = state.installed;
  const kbs = state.kbs?.deployedByHarness ? state.kbs : undefined;
  try {
    await step('uninstall', async () => {
      // Newest first: the KBS deployed after the release, then the release.
      if (kbs) await deps.removeKbs(ctx, kbs);
      state.kbs = undefined;
      await deps.uninstallRelease(deps.installContext(cluster, ctx), state.profile!, installed);
    });
  } catch (error) {
    if (options.signal.aborted) throw error;
    state.uninstallFailure = (error as Error).message;
  }
  state.installed = undefined;
}

/** Why a cell has nothing to run, when every one of its tests is expected to skip (a platform the release does not
 *  ship: every test carries the profile's note). Such a cell is neither provisioned nor installed: that would only
 *  be slow and could fail for reasons that say nothing about the release. */
function cellSkipReason(planned: readonly PlannedTest[]): string | undefined {
  if (!planned.length || planned.some((test) => test.outcome.expect !== 'skip')) return undefined;
  return [...new Set(planned.map((test) => test.outcome.reason ?? 'skipped'))].join('; ');
}

/** Playwright that exits without a record (a config error, a crash before onBegin) ran no test: infra, not a result. */
async function assertRecordWritten(file: string, log: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new Error(`failed to run the suites: Playwright wrote no result record at ${file} (see ${log})`);
  }
}

/** collect → teardown, always, whatever stopped the cell. Each part runs even if an earlier one failed (a failed
 *  log export must not leave a cluster behind); their failures are returned, not thrown, so the cell's own error
 *  stays the one that is reported. Logs are exported before anything is destroyed. */
async function collectAndTearDown(
  state: CellState,
  ws: CellWorkspace,
  ctx: ProviderContext,
  options: PipelineOptions,
  deps: PipelineDeps,
  cellId: string,
  shared: SharedCluster,
  handOn: boolean,
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (step: string, work: () => Promise<void>): Promise<void> => {
    try {
      await options.progress.step(cellId, step, work);
    } catch (error) {
      problems.push(`${step}: ${(error as Error).message}`);
    }
  };
  const { provider, cluster } = state;
  const clusterCtx = sharedClusterContext(ctx, shared);

  if (provider && cluster) {
    await attempt('collect', async () => {
      await provider.collectLogs(cluster, ws.logsDir, clusterCtx);
      const namespaces = [state.installed?.namespace, state.kbs?.deployedByHarness ? state.profile?.kbs.namespace : undefined];
      await collectPodLogs(cluster, namespaces.filter((n): n is string => Boolean(n)), ws.logsDir, ctx);
    });
  }
  if (state.prepared) await attempt('platform-cleanup', () => state.prepared!.cleanup());
  if (handOn) {
    options.progress.note(cellId, `the cluster stays up for the next cell of the same cluster spec`);
    return problems;
  }
  if (options.keepCluster && cluster) {
    options.progress.note(cellId, `teardown skipped (--keep-cluster): kubeconfig ${cluster.kubeconfigPath}`);
    return problems;
  }
  if (provider && cluster && !cluster.createdByHarness) {
    // Someone else's cluster: undo only what the harness made in it, newest first.
    if (state.kbs) await attempt('kbs-teardown', () => deps.removeKbs(ctx, state.kbs!));
    if (state.installed && state.profile) {
      await attempt('uninstall', () => deps.uninstallRelease(deps.installContext(cluster, ctx), state.profile!, state.installed!));
    }
  }
  const target = shared.cluster ?? (shared.planned?.createdByHarness ? shared.planned : undefined);
  if (provider && target) await attempt('teardown', () => provider.destroy(target, clusterCtx));
  shared.cluster = undefined;
  shared.planned = undefined;
  return problems;
}

/** The cell's provider context, pointed at the shared cluster's own state folder and name (its kubeconfig and
 *  provider files outlive the cell). */
function sharedClusterContext(ctx: ProviderContext, shared: SharedCluster): ProviderContext {
  return { ...ctx, workDir: shared.workDir, clusterName: shared.clusterName };
}

/** Pod logs, descriptions and events of the release's namespaces (operator, KBS): the first thing anyone asks for
 *  when an install failed, so they are kept before teardown removes the pods. */
async function collectPodLogs(cluster: ProvisionedCluster, namespaces: string[], dir: string, ctx: ProviderContext): Promise<void> {
  const kubectl = (...args: string[]) => kubectlArgv(cluster.kubeconfigPath, cluster.context, ...args);
  for (const namespace of namespaces) {
    const base = join(dir, 'namespaces', namespace);
    await commandOutputToFile(ctx, kubectl('-n', namespace, 'get', 'pods', '-o', 'wide'), join(base, 'pods.txt'));
    await commandOutputToFile(ctx, kubectl('-n', namespace, 'describe', 'pods'), join(base, 'describe.txt'));
    await commandOutputToFile(ctx, kubectl('-n', namespace, 'get', 'events', '--sort-by=.lastTimestamp'), join(base, 'events.txt'));
    const pods = await stepCommand(ctx, 'collect', kubectl('-n', namespace, 'get', 'pods', '-o', 'name'), { nothrow: true });
    const names = pods.exitCode === 0 ? pods.stdout.split('\n').map((line) => line.trim()).filter(Boolean) : [];
    for (const pod of names) {
      await commandOutputToFile(ctx, kubectl('-n', namespace, 'logs', pod, '--all-containers', '--prefix'),
        join(base, 'logs', `${pod.replace(/^pod\//, '')}.log`));
    }
  }
}
