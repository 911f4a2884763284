import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { installControl, uninstallControl } from './control-install.ts';
import { installHelm, uninstallHelm } from './helm-install.ts';
import type { InstalledRelease } from './installed-release.ts';
import type { InstallContext } from './install-context.ts';
import type { InstallDoubles } from './install-doubles.ts';
import { installOperator } from './operator-install.ts';
import { uninstallOperator } from './operator-uninstall.ts';
import { verifyUninstalled } from './verify-uninstalled.ts';

export interface InstallTarget {
  platform: PlatformId;
  arch: Arch;
  /** The node labelled as worker, where the daemons run. */
  workerNode: string;
  /** Doubles of the release's chart or operator, where the real ones cannot be pulled (control). */
  doubles?: InstallDoubles;
}

/** ReleaseProfile → InstalledRelease, by the profile's recipe (control: the recipe against its install doubles when
 *  it has them, then one runc runtime class). */
export async function installRelease(ctx: InstallContext, profile: ReleaseProfile, target: InstallTarget): Promise<InstalledRelease> {
  try {
    if (target.platform === 'control') return await installControl(ctx, profile, target);
    const recipe = profile.install;
    if (recipe.method === 'helm') return await installHelm(ctx, profile, recipe, target.platform, target.arch, target.doubles);
    return await installOperator(ctx, profile, recipe, target.platform, target.workerNode, { doubles: target.doubles });
  } catch (error) {
    throw new Error(`failed to install release ${profile.release} for ${target.platform}: ${(error as Error).message}`, { cause: error });
  }
}

/** Uninstall by the recipe, then verify nothing of the install is left. */
export async function uninstallRelease(ctx: InstallContext, profile: ReleaseProfile, installed: InstalledRelease): Promise<void> {
  try {
    if (installed.method === 'control') await uninstallControl(ctx, profile, installed);
    else if (profile.install.method === 'helm') await uninstallHelm(ctx, profile.install, installed);
    else await uninstallOperator(ctx, profile, profile.install, installed);
    await verifyUninstalled(ctx, installed);
  } catch (error) {
    throw new Error(`failed to uninstall release ${profile.release}: ${(error as Error).message}`, { cause: error });
  }
}
