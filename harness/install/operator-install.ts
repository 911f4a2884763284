import { isAbsolute, join, relative } from 'node:path';
import { stringify } from 'yaml';
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

/** The directory of the harness's kustomization over the ccruntime overlay (inside the provider's work dir). */
const CCRUNTIME_KUSTOMIZATION_DIR = 'ccruntime';

/** The release's ccruntime overlay with the CcRuntime's spec.config.debug set to install.hypervisorDebug. The operator
 *  passes it to kata-deploy as DEBUG (operator controllers/ccruntime_controller.go:624,664 at v0.9.0 … v0.17.0), which
 *  turns on enable_debug in the kata configuration (kata-deploy.sh) — what upstream CI's kata-deploy gets
 *  (kata tests/integration/kubernetes/gha-run.sh: DEBUG / env.debug / HELM_DEBUG "true"); the overlays themselves
 *  say `debug: false` (config/samples/ccruntime/default/kustomization.yaml). JSON6902 `add` sets the member whether
 *  or not the overlay has it. */
export function ccRuntimeKustomization(target: string, dir: string, overlay: CcRuntimeOverlay, hypervisorDebug: boolean): string {
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    // kustomize refuses an absolute resource ("new root … cannot be absolute"): a local overlay (an install double)
    // is named relative to this kustomization; a remote one as it is.
    resources: [isAbsolute(target) ? relative(dir, target) : target],
    patches: [{
      target: { kind: 'CcRuntime', name: overlay.ccRuntime },
      patch: stringify([{ op: 'add', path: '/spec/config/debug', value: hypervisorDebug }]),
    }],
  });
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
  const ccRuntimeDir = join(ctx.provider.workDir, CCRUNTIME_KUSTOMIZATION_DIR);
  await ctx.file('install', join(ccRuntimeDir, 'kustomization.yaml'), ccRuntimeKustomization(kustomizations.overlay, ccRuntimeDir, overlay, recipe.hypervisorDebug));
  await ctx.command('install', kubectl(ctx, 'apply', '-k', ccRuntimeDir));
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
