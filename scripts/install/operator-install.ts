import type { CcRuntimeOverlay, OperatorInstall, ReleaseProfile } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';
import type { InstalledRelease } from './installed-release.ts';
import type { InstallDoubles } from './install-doubles.ts';
import { kubectl, type InstallContext } from './install-context.ts';
import { controllerReady, overlayReady } from './operator-readiness.ts';
import { imagesOf, waitStep } from './wait-step.ts';

/** The overlay that creates the platform's runtime class, as the profile names it. */
export function overlayFor(
  profile: ReleaseProfile, recipe: OperatorInstall, platform: PlatformId, named?: string,
): { name: string; overlay: CcRuntimeOverlay } {
  const name = named ?? profile.platforms[platform]?.overlay;
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
  options: { overlay?: string; doubles?: InstallDoubles } = {},
): Promise<InstalledRelease> {
  const { name, overlay } = overlayFor(profile, recipe, platform, options.overlay);
  const { readiness, namespace } = recipe;
  const source = options.doubles?.kustomization ?? ((target: string) => target);
  const kustomizations = { operator: source(recipe.operatorKustomization), overlay: source(overlay.kustomization) };
  const label = `${recipe.workerLabel.key}=${recipe.workerLabel.value}`;
  await ctx.command('install', kubectl(ctx, 'label', 'node', workerNode, label, '--overwrite'));
  await ctx.command('install', kubectl(ctx, 'apply', '-k', kustomizations.operator));
  await waitStep(ctx, 'install', controllerReady(readiness, namespace));
  await ctx.command('install', kubectl(ctx, 'apply', '-k', kustomizations.overlay));
  const view = await waitStep(ctx, 'install', overlayReady(readiness, namespace, overlay));
  return {
    release: profile.release,
    platform,
    method: 'operator',
    namespace,
    overlay: name,
    kustomizations,
    runtimeClasses: overlay.runtimeClasses,
    nodeLabels: Object.keys(overlay.nodeLabels),
    componentImages: imagesOf(view, namespace),
  };
}
