import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch } from '../../matrix/vocabulary.ts';
import { runtimeClassesGone, runtimeClassesPresent, type WaitOptions } from '../../lib/cluster/wait/index.ts';
import { installHelm, uninstallHelm } from './helm-install.ts';
import { kubectl, waitStep, type InstallContext, type InstallDoubles, type InstalledRelease } from './install-context.ts';
import { installOperator, uninstallOperator } from './operator-install.ts';

/** The control platform's own RuntimeClass, whose handler is plain runc: the suites run on it. */
export const CONTROL_DEFAULTS = { runtimeClass: 'control', handler: 'runc', timeoutSeconds: 60 } as const;

/** The ccruntime overlay the control run applies with the operator double: the one upstream's operator.sh applies on
 *  x86_64 (operator tests/e2e/operator.sh, ccruntime_overlay default). */
export const CONTROL_OPERATOR_OVERLAY = 'default';

export function controlRuntimeClass(profile: ReleaseProfile): { name: string; handler: string } {
  const spec = profile.platforms.control;
  return { name: spec?.runtimeClass ?? CONTROL_DEFAULTS.runtimeClass, handler: spec?.handler ?? CONTROL_DEFAULTS.handler };
}

export function controlRuntimeClassManifest(name: string, handler: string): string {
  return stringify({
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'coco-conformance' } },
    handler,
  });
}

export interface ControlTarget {
  arch: Arch;
  workerNode: string;
  /** The release's chart or operator doubles: with them the release is installed by its own method first. */
  doubles?: InstallDoubles;
}

/** With install doubles: the release by its own method (helm for v0.18+, the operator before) against the doubles,
 *  then the control RuntimeClass the suites use. Without: only that RuntimeClass. */
export async function installControl(ctx: InstallContext, profile: ReleaseProfile, target: ControlTarget): Promise<InstalledRelease> {
  const underneath = target.doubles ? await installWithDoubles(ctx, profile, target, target.doubles) : undefined;
  const { name, handler } = controlRuntimeClass(profile);
  const file = join(ctx.provider.workDir, 'runtimeclass-control.yaml');
  await ctx.file('install', file, controlRuntimeClassManifest(name, handler));
  await ctx.command('install', kubectl(ctx, 'apply', '-f', file));
  await waitStep(ctx, 'install', [{ condition: runtimeClassesPresent([name]), options: controlLimit(profile) }]);
  return {
    release: profile.release, platform: 'control', method: 'control', namespace: underneath?.namespace, runtimeClasses: [name],
    componentImages: underneath?.componentImages ?? {}, ...(underneath ? { underneath } : {}),
  };
}

function installWithDoubles(ctx: InstallContext, profile: ReleaseProfile, target: ControlTarget, doubles: InstallDoubles): Promise<InstalledRelease> {
  const recipe = profile.install;
  if (recipe.method === 'helm') return installHelm(ctx, profile, recipe, 'control', target.arch, doubles);
  return installOperator(ctx, profile, recipe, 'control', target.workerNode, { overlay: CONTROL_OPERATOR_OVERLAY, doubles });
}

/** The control class first (the suites are done with it), then the release underneath by its own uninstall. */
export async function uninstallControl(ctx: InstallContext, profile: ReleaseProfile, installed: InstalledRelease): Promise<void> {
  await ctx.command('uninstall', kubectl(ctx, 'delete', 'runtimeclass', ...installed.runtimeClasses, '--ignore-not-found'));
  await waitStep(ctx, 'uninstall', [{ condition: runtimeClassesGone(installed.runtimeClasses), options: controlLimit(profile) }]);
  const underneath = installed.underneath;
  if (!underneath) return;
  const recipe = profile.install;
  if (recipe.method === 'helm') await uninstallHelm(ctx, recipe, underneath);
  else await uninstallOperator(ctx, profile, recipe, underneath);
}

/** The profile's runtime-class limit, for the class to come and to go. */
function controlLimit(profile: ReleaseProfile): WaitOptions {
  return { timeoutSeconds: profile.timeouts?.runtimeClassSeconds ?? CONTROL_DEFAULTS.timeoutSeconds };
}
