import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import { runtimeClassesGone, runtimeClassesPresent, type WaitOptions } from '../../fixtures/cluster/wait/index.ts';
import type { InstalledRelease } from './installed-release.ts';
import { kubectl, type InstallContext } from './install-context.ts';
import { waitStep } from './wait-step.ts';

/** The control platform has no operator: its "install" is one RuntimeClass whose handler is plain runc. */
export const CONTROL_DEFAULTS = { runtimeClass: 'control', handler: 'runc', timeoutSeconds: 60 } as const;

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

export async function installControl(ctx: InstallContext, profile: ReleaseProfile): Promise<InstalledRelease> {
  const { name, handler } = controlRuntimeClass(profile);
  const file = join(ctx.provider.workDir, 'runtimeclass-control.yaml');
  await ctx.file('install', file, controlRuntimeClassManifest(name, handler));
  await ctx.command('install', kubectl(ctx, 'apply', '-f', file));
  await waitStep(ctx, 'install', [{ condition: runtimeClassesPresent([name]), options: controlLimit(profile) }]);
  return { release: profile.release, platform: 'control', method: 'control', runtimeClasses: [name], componentImages: {} };
}

export async function uninstallControl(ctx: InstallContext, profile: ReleaseProfile, installed: InstalledRelease): Promise<void> {
  await ctx.command('uninstall', kubectl(ctx, 'delete', 'runtimeclass', ...installed.runtimeClasses, '--ignore-not-found'));
  await waitStep(ctx, 'uninstall', [{ condition: runtimeClassesGone(installed.runtimeClasses), options: controlLimit(profile) }]);
}

/** The profile's runtime-class limit, for the class to come and to go. */
function controlLimit(profile: ReleaseProfile): WaitOptions {
  return { timeoutSeconds: profile.timeouts?.runtimeClassSeconds ?? CONTROL_DEFAULTS.timeoutSeconds };
}
