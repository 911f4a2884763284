import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';
import { installControl, uninstallControl } from './control-install.ts';
import { CLUSTER_NAMESPACES, installHelm, uninstallHelm } from './helm-install.ts';
import { kubectl, type InstallContext, type InstallDoubles, type InstalledRelease } from './install-context.ts';
import { installOperator, uninstallOperator } from './operator-install.ts';

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

/** The operator's CRD (operator config/crd/bases/confidentialcontainers.org_ccruntimes.yaml). */
const CCRUNTIME_CRD = 'ccruntimes.confidentialcontainers.org';

/** After an uninstall, one look at the cluster for anything the install made: its runtime classes, node labels,
 *  namespace and, for the operator, the CcRuntime CRD. The next release on the same cluster must start clean, so a
 *  leftover fails the uninstall step and is named (the record keeps it). */
export async function verifyUninstalled(ctx: InstallContext, installed: InstalledRelease): Promise<void> {
  const parts = [installed, ...(installed.underneath ? [installed.underneath] : [])];
  const classes = parts.flatMap((p) => p.runtimeClasses);
  const labels = parts.flatMap((p) => p.nodeLabels ?? []);
  // A namespace the cluster owns (kube-system for a candidate's kata-deploy) is never the install's to remove.
  const namespaces = parts.flatMap((p) => (p.namespace && !CLUSTER_NAMESPACES.has(p.namespace) ? [p.namespace] : []));
  const operator = parts.some((p) => p.method === 'operator');
  const look = async (...args: string[]) => (await ctx.command('uninstall', kubectl(ctx, ...args))).stdout;
  const leftovers: string[] = [];

  const present = new Set((await look('get', 'runtimeclass', '-o', 'name')).split('\n').map((line) => line.trim().replace(/^runtimeclass\.node\.k8s\.io\//, '')));
  leftovers.push(...classes.filter((name) => present.has(name)).map((name) => `runtime class ${name}`));
  if (labels.length) {
    const nodes = (await look('get', 'nodes', '-o', 'json')).trim();
    const items = nodes ? (JSON.parse(nodes) as { items: Array<{ metadata: { name: string; labels?: Record<string, string> } }> }).items : [];
    for (const node of items) {
      for (const key of labels) if (node.metadata.labels?.[key] !== undefined) leftovers.push(`node ${node.metadata.name} label ${key}`);
    }
  }
  for (const namespace of [...new Set(namespaces)]) {
    if ((await look('get', 'namespace', namespace, '--ignore-not-found', '-o', 'name')).trim()) leftovers.push(`namespace ${namespace}`);
  }
  if (operator && (await look('get', 'crd', CCRUNTIME_CRD, '--ignore-not-found', '-o', 'name')).trim()) leftovers.push(`CRD ${CCRUNTIME_CRD}`);
  if (leftovers.length) throw new Error(`the uninstall left ${leftovers.join('; ')}`);
}
