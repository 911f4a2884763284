import { isMap } from './object-path.ts';
import type { HelmInstall } from './release-profile.ts';
import type { Arch } from './vocabulary.ts';

/** The values for one install: the profile's values for every arch, with the arch's own (the chart's
 *  values/kata-s390x.yaml and the like) merged over them, maps key by key, and kata-deploy's debug switch
 *  (install.debugValue) set to install.hypervisorDebug — as upstream CI sets it (kata 3.25.0
 *  tests/integration/kubernetes/gha-run.sh:226 HELM_DEBUG="true" → tests/gha-run-k8s-common.sh:576-578 `.debug = true`).
 *  The one reading of a Helm install's values: the installer passes them, the expectations read them. */
export function helmValues(recipe: HelmInstall, arch: Arch): Record<string, unknown> {
  const debug = recipe.debugValue.split('.').reduceRight<unknown>((value, key) => ({ [key]: value }), recipe.hypervisorDebug);
  return mergeValues(mergeValues(recipe.values ?? {}, recipe.valuesByArch?.[arch] ?? {}), debug as Record<string, unknown>);
}

/** Where kata-deploy's own values sit in the chart's: under the CoCo chart's alias (`kata-as-coco-runtime`), or at the
 *  top for kata's kata-deploy chart itself. install.debugValue is kata-deploy's top-level `debug` at that place. */
export function kataDeployValuesPath(recipe: HelmInstall): string[] {
  return recipe.debugValue.split('.').slice(0, -1);
}

/** What the values give a kata-deploy shim for containerd (`shims.<shim>.containerd.snapshotter` and
 *  `.forceGuestPull`, kata-deploy's structured values from kata 3.25.0); a key the values leave out is undefined —
 *  the chart's default at the kata tag then decides, which the profile must state instead (check-release-profile.ts). */
export function shimContainerdValues(values: Record<string, unknown>, recipe: HelmInstall, shim: string):
  { path: string[]; snapshotter?: unknown; forceGuestPull?: unknown } {
  const path = [...kataDeployValuesPath(recipe), 'shims', shim, 'containerd'];
  let at: unknown = values;
  for (const key of path) at = isMap(at) ? at[key] : undefined;
  return isMap(at) ? { path, snapshotter: at.snapshotter, forceGuestPull: at.forceGuestPull } : { path };
}

/** `over` laid onto `base` as helm merges values files: maps merge key by key, anything else replaces. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const below = out[key];
    out[key] = isMap(below) && isMap(value) ? mergeValues(below, value) : value;
  }
  return out;
}
