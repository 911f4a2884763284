import { access, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Cell } from '../../matrix/cell.ts';
import { kbsRunnerInputsFromEnv } from '../kbs/kbs-runner-inputs.ts';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { writeEnvironmentFile } from '../environment/capture-environment.ts';
import { planCellTests } from '../../matrix/plan-cells.ts';
import { cellSkipReason } from './cell-plan.ts';
import type { CellState } from './cell-state.ts';
import type { CellWorkspace } from './cell-workspace.ts';
import type { PipelineDeps } from './pipeline-deps.ts';
import type { PipelineOptions } from './pipeline-options.ts';
import { buildSuiteEnvironment } from './suite-environment-builder.ts';

const WORKER_LABEL = 'node.kubernetes.io/worker';

/** The forward steps of a cell. `state` grows as each step succeeds, so teardown knows exactly what to undo;
 *  `state.step` names the step that was running if one throws. Returns Playwright's exit code; undefined for a
 *  dry run and for a cell the plan found nothing to run in (`state.skipReason`). */
export async function cellSteps(
  cell: Cell,
  ws: CellWorkspace,
  ctx: ProviderContext,
  state: CellState,
  options: PipelineOptions,
  deps: PipelineDeps,
): Promise<number | null | undefined> {
  const step = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    state.step = name;
    options.signal.throwIfAborted();
    return options.progress.step(cell.id, name, work);
  };

  const profile = await step('plan', async () => deps.loadRelease(cell.release));
  state.profile = profile;
  state.planned = planCellTests(cell, profile, options.testIds?.get(cell.id));
  state.skipReason = cellSkipReason(state.planned);
  if (state.skipReason) return undefined;
  const provider = await deps.resolveProvider(cell.cluster.distro);
  state.provider = provider;
  state.plannedCluster = {
    name: ws.clusterName, kubeconfigPath: join(ws.workDir, 'kubeconfig'), nodes: [], createdByHarness: cell.cluster.distro !== 'existing',
  };

  const cluster: ProvisionedCluster = await step('provision', async () => {
    const created = await provider.create(cell.cluster, ctx);
    // A dry run keeps the nodes create already named: there is no cluster to ask.
    if (!ctx.dryRun || !created.nodes.length) created.nodes = await provider.nodes(created, ctx);
    return created;
  });
  state.cluster = cluster;
  const worker = cluster.nodes.find((node) => WORKER_LABEL in node.labels) ?? cluster.nodes[0];
  if (!worker) throw new Error(`failed to provision ${cell.cluster.distro}: the cluster has no node`);
  state.workerNode = worker;

  const setup = deps.platformSetupFor(cell.platform);
  state.installed = await step('install', () =>
    deps.installRelease(deps.installContext(cluster, ctx), profile, { platform: cell.platform, arch: cell.arch, workerNode: worker.name }));

  if (options.externalKbs) {
    const { url, adminKeyFile } = options.externalKbs;
    state.kbs = await step('kbs', () =>
      deps.useExternalKbs(ctx, url, adminKeyFile, profile.kbs.healthCheckExpects, profile.timeouts.kbsReadySeconds * 1000));
  } else if (!setup?.providesKbs) {
    state.kbs = await step('kbs', () => deps.deployKbs(ctx, {
      recipe: profile.kbs, platform: cell.platform, arch: cell.arch, cluster, nodeIp: worker.internalIp, nodeName: worker.name,
      readyTimeoutSeconds: profile.timeouts.kbsReadySeconds,
      trusteeCheckout: process.env.COCO_TRUSTEE_CHECKOUT, runnerInputs: kbsRunnerInputsFromEnv(process.env),
    }));
  }

  await step('environment', async () => {
    ctx.record('environment', `# capture environment facts into ${ws.environmentFile}`);
    if (options.dryRun) return;
    const info = await provider.info(cluster, ctx);
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

  // In a dry run the setup records what it would start instead of starting it.
  if (setup) {
    state.prepared = await step('platform-setup', () => setup.prepare({
      cell, profile, cluster, provider, providerContext: ctx, release: state.installed!, kbs: state.kbs,
      workDir: ws.workDir, outDir: ws.artifactsDir, dryRun: options.dryRun, signal: options.signal, log: options.log,
    }));
    state.doubles = [...state.prepared.doubles];
  }

  const suiteEnv = buildSuiteEnvironment({
    cell, runId: options.runId, outDir: ws.artifactsDir, cluster, nodeName: worker.name, kbs: state.kbs,
    environmentFile: ws.environmentFile, dryRun: options.dryRun, fromSetup: state.prepared?.suiteEnv, doubles: state.doubles,
  });
  if (options.dryRun) {
    await step('suites', () => deps.runDryRunSuites({
      release: cell.release, platform: cell.platform, cell, outDir: ws.dryRunDir, kbsUrl: suiteEnv.kbs.url,
    }));
    return undefined;
  }
  await mkdir(dirname(ws.suiteEnvFile), { recursive: true });
  await writeFile(ws.suiteEnvFile, `${JSON.stringify(suiteEnv, null, 2)}\n`);
  state.suitesStarted = true;
  const result = await step('suites', async () => {
    const ran = await deps.runSuites({
      cell, runId: options.runId, suiteEnvFile: ws.suiteEnvFile, recordFile: ws.recordFile, environmentFile: ws.environmentFile,
      secretsFile: ws.secretsFile, doubles: state.doubles, testIds: options.testIds?.get(cell.id),
      playwrightLog: join(ws.logsDir, 'playwright.log'), signal: options.signal, onTestLine: (line) => options.progress.detail(line),
    });
    // Playwright stopped by the signal exits like any run; the step must read as interrupted, not as done.
    options.signal.throwIfAborted();
    return ran;
  });
  await assertRecordWritten(ws.recordFile, join(ws.logsDir, 'playwright.log'));
  return result.exitCode;
}

/** Playwright that exits without a record (a config error, a crash before onBegin) ran no test: infra, not a result. */
async function assertRecordWritten(file: string, log: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new Error(`failed to run the suites: Playwright wrote no result record at ${file} (see ${log})`);
  }
}
