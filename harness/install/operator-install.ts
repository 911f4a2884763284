import { isAbsolute, join, relative } from 'node:path';
import { stringify } from 'yaml';
import type { CcRuntimeOverlay, OperatorInstall, OperatorReadiness, ReleaseProfile, UninstallStep } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';
import {
  ccRuntimeInstalled, nodeLabelled, nodeLabelsGone, podsGone, podsRunning, runtimeClassesGone, runtimeClassesPresent,
  stabilisationLimit, stabilised, type Condition, type WaitStage,
} from '../../lib/cluster/wait/index.ts';
import { imagesOf, kubectl, waitStep, type InstallContext, type InstallDoubles, type InstalledRelease } from './install-context.ts';

// The CoCo operator's install (releases before v0.18): the operator, a ccruntime overlay, upstream's readiness and
// its uninstall order.

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

/** Upstream's readiness (operator tests/e2e/operator.sh), as named conditions, one stage after another, each with
 *  its own limit from the profile: controller Running, then (after the overlay is applied) the CcRuntime installed
 *  as the release's operator.sh decides it (its install daemons Running up to v0.11, the CcRuntime's status from
 *  v0.12) → every runtime class the overlay creates present → the overlay's node labels on a
 *  node (the harness's stage) → upstream's wait_for_stabilization. */
export function controllerReady(readiness: OperatorReadiness, namespace: string): WaitStage[] {
  return [{ condition: podsRunning(namespace, [readiness.controllerPodPrefix], 'controller pod'),
    options: { timeoutSeconds: readiness.controllerTimeoutSeconds } }];
}

export function overlayReady(readiness: OperatorReadiness, namespace: string, overlay: CcRuntimeOverlay): WaitStage[] {
  return [
    { condition: installedCondition(readiness.installed, namespace, overlay), options: { timeoutSeconds: readiness.installed.timeoutSeconds } },
    { condition: runtimeClassesPresent(overlay.runtimeClasses), options: { timeoutSeconds: readiness.runtimeClassTimeoutSeconds } },
    { condition: nodeLabelled(overlay.nodeLabels), options: { timeoutSeconds: readiness.runtimeClassTimeoutSeconds } },
    { condition: stabilised(namespace, readiness.stabilisation), options: stabilisationLimit(readiness.stabilisation) },
  ];
}

function installedCondition(installed: OperatorReadiness['installed'], namespace: string, overlay: CcRuntimeOverlay) {
  return installed.by === 'daemon-pods' ? podsRunning(namespace, installed.pods, 'daemon pods') : ccRuntimeInstalled(overlay.ccRuntime);
}

/** The profile's uninstall order (upstream: CcRuntime first, wait for its daemons, runtime classes and node labels
 *  to go, then the operator and its controller), each step verified before the next one starts. */
export async function uninstallOperator(
  ctx: InstallContext,
  profile: ReleaseProfile,
  recipe: OperatorInstall,
  installed: InstalledRelease,
): Promise<void> {
  const overlay = installed.overlay ? recipe.overlays[installed.overlay] : undefined;
  if (!overlay) throw new Error(`failed to uninstall ${profile.release}: overlay ${installed.overlay} is not in the profile`);
  const kustomizations = installed.kustomizations ?? { operator: recipe.operatorKustomization, overlay: overlay.kustomization };
  for (const step of recipe.uninstall) await runStep(ctx, recipe, step, kustomizations, installed.runtimeClasses);
}

async function runStep(
  ctx: InstallContext,
  recipe: OperatorInstall,
  step: UninstallStep,
  kustomizations: { operator: string; overlay: string },
  runtimeClasses: string[],
): Promise<void> {
  const ns = recipe.namespace;
  const waitGone = (condition: Condition<void>, timeoutSeconds: number) =>
    waitStep(ctx, 'uninstall', [{ condition, options: { timeoutSeconds } }]);
  switch (step.action) {
    case 'delete-ccruntime':
      await ctx.command('uninstall', kubectl(ctx, 'delete', '-k', kustomizations.overlay, '--ignore-not-found'));
      return;
    case 'wait-pods-gone':
      await waitGone(podsGone(ns, step.pods, 'daemon pods'), step.timeoutSeconds);
      return;
    case 'wait-runtime-classes-gone':
      await waitGone(runtimeClassesGone(runtimeClasses), step.timeoutSeconds);
      return;
    case 'wait-node-labels-gone':
      await waitGone(nodeLabelsGone(step.labels), step.timeoutSeconds);
      return;
    case 'delete-operator':
      await ctx.command('uninstall', kubectl(ctx, 'delete', '-k', kustomizations.operator, '--ignore-not-found'));
      return;
    case 'wait-controller-gone':
      await waitGone(podsGone(ns, [recipe.readiness.controllerPodPrefix], 'controller pod'), step.timeoutSeconds);
      return;
  }
}
