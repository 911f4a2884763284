import { join } from 'node:path';
import { stringify } from 'yaml';
import type { HelmInstall, ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { goneCheck, runtimeClassesAmong, runtimeClassesPresent } from './gone-checks.ts';
import type { InstalledRelease } from './installed-release.ts';
import { kubectl, type InstallContext } from './install-context.ts';
import { waitStep } from './wait-step.ts';

function helmArgv(ctx: InstallContext, ...args: string[]): string[] {
  const { kubeconfigPath, context } = ctx.cluster;
  return ['helm', '--kubeconfig', kubeconfigPath, ...(context ? ['--kube-context', context] : []), ...args];
}

/** Runtime classes the chart creates for this platform: by overlay name when the profile keys them so, else by arch. */
export function helmRuntimeClasses(profile: ReleaseProfile, recipe: HelmInstall, platform: PlatformId, arch: Arch): string[] {
  const overlay = profile.platforms[platform]?.overlay;
  return (overlay ? recipe.runtimeClasses[overlay] : undefined) ?? recipe.runtimeClasses[arch] ?? [];
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
  if (recipe.values && Object.keys(recipe.values).length) {
    const valuesFile = join(ctx.provider.workDir, 'helm-values.yaml');
    await ctx.file('install', valuesFile, stringify(recipe.values));
    valuesArgs.push('--values', valuesFile);
  }
  await ctx.command('install', helmArgv(ctx, 'install', recipe.releaseName, recipe.chart, '--version', recipe.version,
    '--namespace', recipe.namespace, '--create-namespace', '--wait', `--timeout=${recipe.readinessTimeoutSeconds}s`, ...valuesArgs));
  await waitStep(ctx, 'install', recipe.namespace, `runtime classes ${runtimeClasses.join(', ')} within ${recipe.readinessTimeoutSeconds}s`,
    (start) => runtimeClassesPresent(runtimeClasses, recipe.readinessTimeoutSeconds, start));
  return { release: profile.release, platform, method: 'helm', namespace: recipe.namespace, runtimeClasses, componentImages: {} };
}

export async function uninstallHelm(ctx: InstallContext, recipe: HelmInstall, installed: InstalledRelease): Promise<void> {
  await ctx.command('uninstall', helmArgv(ctx, 'uninstall', recipe.releaseName, '--namespace', recipe.namespace, '--wait',
    `--timeout=${recipe.readinessTimeoutSeconds}s`, '--ignore-not-found'));
  await waitStep(ctx, 'uninstall', recipe.namespace, `runtime classes ${installed.runtimeClasses.join(', ')} gone`,
    (start) => goneCheck('runtime classes', recipe.readinessTimeoutSeconds, start, runtimeClassesAmong(installed.runtimeClasses)));
  await ctx.command('uninstall', kubectl(ctx, 'delete', 'namespace', recipe.namespace, '--ignore-not-found', '--wait'));
}
