import { join } from 'node:path';
import { stringify } from 'yaml';
import { helmChartSource } from '../../matrix/helm-chart-source.ts';
import type { HelmInstall, ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { runtimeClassesGone, runtimeClassesPresent } from '../../fixtures/cluster/wait/index.ts';
import type { InstalledRelease } from './installed-release.ts';
import { kubectl, type InstallContext } from './install-context.ts';
import { waitStep } from './wait-step.ts';

/** Namespaces Kubernetes itself creates: never deleted with a release. */
const CLUSTER_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'default']);

function helmArgv(ctx: InstallContext, ...args: string[]): string[] {
  const { kubeconfigPath, context } = ctx.cluster;
  return ['helm', '--kubeconfig', kubeconfigPath, ...(context ? ['--kube-context', context] : []), ...args];
}

/** Runtime classes the chart creates for this platform: by overlay name when the profile keys them so, else by arch. */
export function helmRuntimeClasses(profile: ReleaseProfile, recipe: HelmInstall, platform: PlatformId, arch: Arch): string[] {
  const overlay = profile.platforms[platform]?.overlay;
  return (overlay ? recipe.runtimeClasses[overlay] : undefined) ?? recipe.runtimeClasses[arch] ?? [];
}

/** The values for one install: the profile's values for every arch, with the arch's own (the chart's
 *  values/kata-s390x.yaml and the like) merged over them, maps key by key. */
export function helmValues(recipe: HelmInstall, arch: Arch): Record<string, unknown> {
  return mergeValues(recipe.values ?? {}, recipe.valuesByArch?.[arch] ?? {});
}

function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isMap(below) && isMap(value) ? mergeValues(below, value) : value;
  }
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** v0.18+: the operator is gone; one chart, and helm --wait waits for its workloads. */
export async function installHelm(
  ctx: InstallContext,
  profile: ReleaseProfile,
  recipe: HelmInstall,
  platform: PlatformId,
  arch: Arch,
): Promise<InstalledRelease> {
  const runtimeClasses = helmRuntimeClasses(profile, recipe, platform, arch);
  const valuesArgs: string[] = [];
  const values = helmValues(recipe, arch);
  if (Object.keys(values).length) {
    const valuesFile = join(ctx.provider.workDir, 'helm-values.yaml');
    await ctx.file('install', valuesFile, stringify(values));
    valuesArgs.push('--values', valuesFile);
  }
  const chart = await fetchChart(ctx, recipe);
  await ctx.command('install', helmArgv(ctx, 'install', recipe.releaseName, chart, ...(recipe.version && helmChartSource(recipe.chart)?.kind === 'registry' ? ['--version', recipe.version] : []),
    '--namespace', recipe.namespace, '--create-namespace', '--wait', `--timeout=${recipe.readinessTimeoutSeconds}s`, ...valuesArgs));
  await waitStep(ctx, 'install', [{ condition: runtimeClassesPresent(runtimeClasses), options: { timeoutSeconds: recipe.readinessTimeoutSeconds } }]);
  return { release: profile.release, platform, method: 'helm', namespace: recipe.namespace, runtimeClasses, componentImages: {} };
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
  await ctx.command('install', ['helm', 'dependency', 'build', dir]);
  return dir;
}

export async function uninstallHelm(ctx: InstallContext, recipe: HelmInstall, installed: InstalledRelease): Promise<void> {
  await ctx.command('uninstall', helmArgv(ctx, 'uninstall', recipe.releaseName, '--namespace', recipe.namespace, '--wait',
    `--timeout=${recipe.readinessTimeoutSeconds}s`, '--ignore-not-found'));
  await waitStep(ctx, 'uninstall', [{ condition: runtimeClassesGone(installed.runtimeClasses), options: { timeoutSeconds: recipe.readinessTimeoutSeconds } }]);
  // kata-deploy installs into kube-system as CI does (a candidate's install): a namespace the cluster owns stays.
  if (!CLUSTER_NAMESPACES.has(recipe.namespace)) {
    await ctx.command('uninstall', kubectl(ctx, 'delete', 'namespace', recipe.namespace, '--ignore-not-found', '--wait'));
  }
}
