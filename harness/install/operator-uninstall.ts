import type { OperatorInstall, ReleaseProfile, UninstallStep } from '../../matrix/release-profile.ts';
import { nodeLabelsGone, podsGone, runtimeClassesGone, type Condition } from '../../lib/cluster/wait/index.ts';
import type { InstalledRelease } from './installed-release.ts';
import { kubectl, type InstallContext } from './install-context.ts';
import { waitStep } from './wait-step.ts';

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
