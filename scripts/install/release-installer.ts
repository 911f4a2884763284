import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { installControl, uninstallControl } from './control-install.ts';
import { installHelm, uninstallHelm } from './helm-install.ts';
import type { InstalledRelease } from './installed-release.ts';
import type { InstallContext } from './install-context.ts';
import { installOperator } from './operator-install.ts';
import { uninstallOperator } from './operator-uninstall.ts';

export interface InstallTarget {
  platform: PlatformId;
  arch: Arch;
  /** The node labelled as worker, where the daemons run. */
  workerNode: string;
}

/** ReleaseProfile → InstalledRelease, by the profile's recipe (control has no recipe: one runc runtime class). */
export async function installRelease(ctx: InstallContext, profile: ReleaseProfile, target: InstallTarget): Promise<InstalledRelease> {
  try {
    if (target.platform === 'control') return await installControl(ctx, profile);
    const recipe = profile.install;
    if (recipe.method === 'helm') return await installHelm(ctx, profile, recipe, target.platform, target.arch);
    return await installOperator(ctx, profile, recipe, target.platform, target.workerNode);
  } catch (error) {
    throw new Error(`failed to install release ${profile.release} for ${target.platform}: ${(error as Error).message}`, { cause: error });
  }
}

export async function uninstallRelease(ctx: InstallContext, profile: ReleaseProfile, installed: InstalledRelease): Promise<void> {
  try {
    if (installed.method === 'control') return await uninstallControl(ctx, profile, installed);
    const recipe = profile.install;
    if (recipe.method === 'helm') return await uninstallHelm(ctx, recipe, installed);
    return await uninstallOperator(ctx, profile, recipe, installed);
  } catch (error) {
    throw new Error(`failed to uninstall release ${profile.release}: ${(error as Error).message}`, { cause: error });
  }
}
