import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { helmChartSource } from '../../matrix/helm-chart-source.ts';
import { helmValues } from '../../matrix/helm-values.ts';
import type { HelmInstall, ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { nodeLabelled, nodeLabelsGone, runtimeClassesGone, runtimeClassesPresent } from '../../lib/cluster/wait/index.ts';
import { harnessCacheDir } from '../../lib/exec/cached-go-tool.ts';
import { kubectl, waitStep, type InstallContext, type InstallDoubles, type InstalledRelease } from './install-context.ts';

/** Namespaces Kubernetes itself creates: never deleted with a release. */
export const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'default']);

/** The label kata-deploy puts on each node it installed (kata 3.31.0 tools/packaging/kata-deploy/binary/src/main.rs:343)
 *  and removes in its SIGTERM cleanup (:415-416). */
export const KATA_RUNTIME_LABEL = 'katacontainers.io/kata-runtime';

/** helm as scripts/setup/build-helm.sh caches it, else the one on PATH. */
export function helmCommand(env: NodeJS.ProcessEnv = process.env): string {
  const cached = join(harnessCacheDir(env), 'bin', 'helm');
  try {
    accessSync(cached, constants.X_OK);
    return cached;
  } catch {
    return 'helm';
  }
}

function helmArgv(ctx: InstallContext, ...args: string[]): string[] {
  const { kubeconfigPath, context } = ctx.cluster;
  return [helmCommand(), '--kubeconfig', kubeconfigPath, ...(context ? ['--kube-context', context] : []), ...args];
}

/** Runtime classes the chart creates for this platform: by overlay name when the profile keys them so, else by arch. */
export function helmRuntimeClasses(profile: ReleaseProfile, recipe: HelmInstall, platform: PlatformId, arch: Arch): string[] {
  const overlay = profile.platforms[platform]?.overlay;
  return (overlay ? recipe.runtimeClasses[overlay] : undefined) ?? recipe.runtimeClasses[arch] ?? [];
}

/** v0.18+: the operator is gone; one chart, and helm --wait waits for its workloads. With install doubles the
 *  chart comes from where they serve it, with their values over the profile's. */
export async function installHelm(
  ctx: InstallContext,
  profile: ReleaseProfile,
  recipe: HelmInstall,
  platform: PlatformId,
  arch: Arch,
  doubles?: InstallDoubles,
): Promise<InstalledRelease> {
  const runtimeClasses = helmRuntimeClasses(profile, recipe, platform, arch);
  const valuesArgs: string[] = [];
  const values = helmValues(recipe, arch);
  // Always a values file: it carries at least the debug switch (install.debugValue).
  const valuesFile = join(ctx.provider.workDir, 'helm-values.yaml');
  await ctx.file('install', valuesFile, stringify(values));
  valuesArgs.push('--values', valuesFile);
  if (doubles?.chart && Object.keys(doubles.chart.values).length) {
    const doubleValues = join(ctx.provider.workDir, 'helm-values-test-double.yaml');
    await ctx.file('install', doubleValues, stringify(doubles.chart.values));
    valuesArgs.push('--values', doubleValues);
  }
  const chart = doubles?.chart?.reference ?? await fetchChart(ctx, recipe);
  const fromRegistry = Boolean(doubles?.chart) || helmChartSource(recipe.chart)?.kind === 'registry';
  await ctx.command('install', helmArgv(ctx, 'install', recipe.releaseName, chart, ...(recipe.version && fromRegistry ? ['--version', recipe.version] : []),
    '--namespace', recipe.namespace, '--create-namespace', '--wait', `--timeout=${recipe.readinessTimeoutSeconds}s`,
    ...(doubles?.chart?.args ?? []), ...valuesArgs));
  await checkChartRuntimeClasses(ctx, recipe, runtimeClasses, arch);
  // The classes schedule pods only on nodes kata-deploy labelled (runtimeclasses.yaml:45-47): that label too.
  const limit = { timeoutSeconds: recipe.readinessTimeoutSeconds };
  await waitStep(ctx, 'install', [
    { condition: runtimeClassesPresent(runtimeClasses), options: limit },
    { condition: nodeLabelled({ [KATA_RUNTIME_LABEL]: 'true' }), options: limit },
  ]);
  return {
    release: profile.release, platform, method: 'helm', namespace: recipe.namespace, runtimeClasses,
    nodeLabels: [KATA_RUNTIME_LABEL], componentImages: {},
  };
}

/** From kata 3.25.0 the chart itself renders one RuntimeClass per enabled shim (kata-deploy helm-chart
 *  templates/runtimeclasses.yaml), so once `helm install` returned the release's manifest says which classes it
 *  made. Neither the CoCo chart nor kata-deploy's has a values.schema.json: helm takes a misspelt values key
 *  without a word and the shim simply stays at its default. Such a key shows here, at once and by name, as a class
 *  the profile expects that the chart did not make — not as a wait that times out. */
async function checkChartRuntimeClasses(ctx: InstallContext, recipe: HelmInstall, expected: string[], arch: Arch): Promise<void> {
  const manifest = await ctx.command('install', helmArgv(ctx, 'get', 'manifest', recipe.releaseName, '--namespace', recipe.namespace));
  if (ctx.provider.dryRun) return;
  const made = chartRuntimeClasses(manifest.stdout);
  const missing = expected.filter((name) => !made.includes(name));
  if (missing.length) {
    throw new Error(`the chart made no RuntimeClass ${missing.join(', ')} that the profile expects for ${arch} ` +
      `(it made: ${made.join(', ') || 'none'}); a values key the chart does not read?`);
  }
}

/** The RuntimeClass names in a rendered manifest (helm get manifest, helm template). */
export function chartRuntimeClasses(manifest: string): string[] {
  return parseAllDocuments(manifest).map((doc) => doc.toJS() as { kind?: string; metadata?: { name?: string } } | null)
    .filter((object) => object?.kind === 'RuntimeClass').map((object) => object!.metadata?.name ?? '').filter(Boolean);
}

/** The chart argument of `helm install`: a registry chart as it is; a directory or a git ref checked out into the
 *  cell's folder, its dependencies (kata-deploy under the CoCo chart) fetched as the chart's Chart.lock pins them —
 *  as kata's CI does before a tag (gha-run-k8s-common.sh: `helm dependencies update` in the chart's directory). */
async function fetchChart(ctx: InstallContext, recipe: HelmInstall): Promise<string> {
  const source = helmChartSource(recipe.chart);
  if (!source) throw new Error(`failed to install: install.chart ${recipe.chart} is not a chart reference`);
  if (source.kind === 'registry') return recipe.chart;
  let dir = source.kind === 'directory' ? source.dir : '';
  if (source.kind === 'git') {
    const checkout = join(ctx.provider.workDir, 'chart-source');
    await ctx.command('install', ['git', 'clone', '--quiet', '--no-checkout', '--filter=blob:none', source.repository, checkout]);
    await ctx.command('install', ['git', '-C', checkout, 'checkout', '--quiet', '--detach', source.ref]);
    dir = join(checkout, source.path);
  }
  await ctx.command('install', [helmCommand(), 'dependency', 'build', dir]);
  return dir;
}

/** helm uninstall, then what kata-deploy's cleanup undoes: its runtime classes and its node label gone; then the
 *  namespace the install created. */
export async function uninstallHelm(ctx: InstallContext, recipe: HelmInstall, installed: InstalledRelease): Promise<void> {
  await ctx.command('uninstall', helmArgv(ctx, 'uninstall', recipe.releaseName, '--namespace', recipe.namespace, '--wait',
    `--timeout=${recipe.readinessTimeoutSeconds}s`, '--ignore-not-found'));
  const limit = { timeoutSeconds: recipe.readinessTimeoutSeconds };
  await waitStep(ctx, 'uninstall', [
    { condition: runtimeClassesGone(installed.runtimeClasses), options: limit },
    { condition: nodeLabelsGone(installed.nodeLabels ?? [KATA_RUNTIME_LABEL]), options: limit },
  ]);
  // kata-deploy installs into kube-system as CI does (a candidate's install): a namespace the cluster owns stays.
  if (!CLUSTER_NAMESPACES.has(recipe.namespace)) {
    await ctx.command('uninstall', kubectl(ctx, 'delete', 'namespace', recipe.namespace, '--ignore-not-found', '--wait'));
  }
}
