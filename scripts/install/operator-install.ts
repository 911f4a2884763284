import type { CcRuntimeOverlay, OperatorInstall, ReleaseProfile } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';
import type { InstalledRelease } from './installed-release.ts';
import { kubectl, type InstallContext } from './install-context.ts';
import { readinessCheck } from './readiness-check.ts';
import { describeStabilisation } from './stabilisation-check.ts';
import { imagesOf, waitStep } from './wait-step.ts';

/** The overlay that creates the platform's runtime class, as the profile names it. */
export function overlayFor(profile: ReleaseProfile, recipe: OperatorInstall, platform: PlatformId): { name: string; overlay: CcRuntimeOverlay } {
  const name = profile.platforms[platform]?.overlay;
  const overlay = name ? recipe.overlays[name] : undefined;
  if (!name || !overlay) {
    throw new Error(`release ${profile.release} names no ccruntime overlay for platform ${platform} (platforms.${platform}.overlay → install.overlays)`);
  }
  return { name, overlay };
}

/** Upstream's order: label the worker, apply the operator, wait for its controller, apply the ccruntime overlay,
 *  wait until the daemons ran, the runtime classes exist, a node carries the overlay's labels and nothing restarts. */
export async function installOperator(
  ctx: InstallContext,
  profile: ReleaseProfile,
  recipe: OperatorInstall,
  platform: PlatformId,
  workerNode: string,
): Promise<InstalledRelease> {
  const { name, overlay } = overlayFor(profile, recipe, platform);
  const { readiness, namespace } = recipe;
  const label = `${recipe.workerLabel.key}=${recipe.workerLabel.value}`;
  await ctx.command('install', kubectl(ctx, 'label', 'node', workerNode, label, '--overwrite'));
  await ctx.command('install', kubectl(ctx, 'apply', '-k', recipe.operatorKustomization));
  await waitStep(ctx, 'install', namespace,
    `controller pod ${readiness.controllerPodPrefix}-* Running in ${namespace} within ${readiness.controllerTimeoutSeconds}s`,
    (start) => readinessCheck({ readiness, namespace, runtimeClasses: [], nodeLabels: {}, stages: ['controller'] }, start));
  await ctx.command('install', kubectl(ctx, 'apply', '-k', overlay.kustomization));
  const snapshot = await waitStep(ctx, 'install', namespace,
    `daemon pods ${readiness.daemonPods.join(', ')} Running within ${readiness.daemonTimeoutSeconds}s; ` +
      `runtime classes ${overlay.runtimeClasses.join(', ')} within ${readiness.runtimeClassTimeoutSeconds}s; ` +
      `node labels ${labelList(overlay.nodeLabels)}; ${describeStabilisation(readiness.stabilisation)}`,
    (start) => readinessCheck({
      readiness, namespace, runtimeClasses: overlay.runtimeClasses, nodeLabels: overlay.nodeLabels,
      stages: ['daemons', 'runtime-classes', 'node-labels', 'stabilisation'],
    }, start));
  return {
    release: profile.release,
    platform,
    method: 'operator',
    namespace,
    overlay: name,
    runtimeClasses: overlay.runtimeClasses,
    componentImages: imagesOf(snapshot, namespace),
  };
}

function labelList(labels: Record<string, string>): string {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(', ') || '(none)';
}
