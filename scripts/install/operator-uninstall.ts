import type { OperatorInstall, ReleaseProfile, UninstallStep } from '../../matrix/release-profile.ts';
import { goneCheck, nodesLabelled, podsWithPrefixes, runtimeClassesAmong } from './gone-checks.ts';
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
  for (const step of recipe.uninstall) await runStep(ctx, recipe, step, overlay.kustomization, installed.runtimeClasses);
}

async function runStep(
  ctx: InstallContext,
  recipe: OperatorInstall,
  step: UninstallStep,
  overlayKustomization: string,
  runtimeClasses: string[],
): Promise<void> {
  const ns = recipe.namespace;
  switch (step.action) {
    case 'delete-ccruntime':
      await ctx.command('uninstall', kubectl(ctx, 'delete', '-k', overlayKustomization, '--ignore-not-found'));
      return;
    case 'wait-pods-gone':
      await waitStep(ctx, 'uninstall', ns, `pods ${step.pods.join(', ')} gone within ${step.timeoutSeconds}s`,
        (start) => goneCheck('pods', step.timeoutSeconds, start, podsWithPrefixes(step.pods)));
      return;
    case 'wait-runtime-classes-gone':
      await waitStep(ctx, 'uninstall', ns, `runtime classes ${runtimeClasses.join(', ')} gone within ${step.timeoutSeconds}s`,
        (start) => goneCheck('runtime classes', step.timeoutSeconds, start, runtimeClassesAmong(runtimeClasses)));
      return;
    case 'wait-node-labels-gone':
      await waitStep(ctx, 'uninstall', ns, `node labels ${step.labels.join(', ')} gone within ${step.timeoutSeconds}s`,
        (start) => goneCheck('node labels', step.timeoutSeconds, start, nodesLabelled(step.labels)));
      return;
    case 'delete-operator':
      await ctx.command('uninstall', kubectl(ctx, 'delete', '-k', recipe.operatorKustomization, '--ignore-not-found'));
      return;
    case 'wait-controller-gone':
      await waitStep(ctx, 'uninstall', ns, `controller ${recipe.readiness.controllerPodPrefix} gone within ${step.timeoutSeconds}s`,
        (start) => goneCheck('controller pods', step.timeoutSeconds, start, podsWithPrefixes([recipe.readiness.controllerPodPrefix])));
      return;
  }
}
