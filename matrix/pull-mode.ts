import { compareReleases } from './load-release-profile.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { helmValues, shimContainerdValues } from './helm-values.ts';
import { kataHypervisorOf } from './kata-hypervisor.ts';
import { formatPath } from './object-path.ts';
import type { Arch, PlatformId, PullMode } from './vocabulary.ts';

/** kata's runtime setting that forces guest pull without a remote snapshotter: `experimental_force_guest_pull` in
 *  the [runtime] section of the runtime class's configuration (src/runtime/config/configuration-qemu-{tdx,snp,se,
 *  coco-dev}.toml.in; kata-containers 3.19.0 is the first tag whose templates carry it — 3.7.0 … 3.18.0 do not). */
export const FORCED_GUEST_PULL_SETTING = { section: 'runtime', key: 'experimental_force_guest_pull', value: true, sinceKata: '3.19.0' } as const;

/** Whether pods carry containerd's runtime-handler annotation: it selects the per-handler nydus snapshotter, which is
 *  what `nydus` pull means; forced and host pulls use the default snapshotter. */
export function usesRuntimeHandlerAnnotation(pullMode: PullMode): boolean {
  return pullMode === 'nydus';
}

/** What a release's install gives a runtime class for pulling images under containerd: the snapshotter of its
 *  runtime handler ("" for containerd's default, which unpacks on the host) and whether kata's runtime forces guest
 *  pull for it; `from` names the profile key that says so, for reasons. */
export interface RuntimeClassPull {
  snapshotter: string;
  forcedGuestPull: boolean;
  from: string;
}

/** What the release's install gives the platform's runtime class, or undefined where the profile does not say (an
 *  operator overlay without the setting, a platform that is no kata shim). One answer for both install methods:
 *  - operator (≥ v0.10): the overlay's config.runtimeClasses (install.overlays.<o>.runtimeClassConfig, else the
 *    overlay's snapshotter). Its pulltype `guest-pull` is CRI-O's `runtime_pull_image` (kata 3.21.0
 *    tools/packaging/kata-deploy/scripts/kata-deploy.sh:549-563, in configure_crio): it forces nothing under containerd.
 *  - Helm: the install's values for the class's shim (kata-deploy names class and handler kata-<shim>):
 *    `shims.<shim>.containerd.snapshotter` becomes the handler's snapshotter only when not empty, and
 *    `.forceGuestPull` puts the shim in EXPERIMENTAL_FORCE_GUEST_PULL (kata 3.25.0 tools/packaging/kata-deploy/
 *    helm-chart/kata-deploy/templates/_helpers.tpl:133-155 and :273-292; 3.28.0 :165-199 and :390-420), for which
 *    kata-deploy sets runtime.experimental_force_guest_pull = true in the shim's configuration (3.25.0
 *    tools/packaging/kata-deploy/binary/src/artifacts/install.rs:213-218, :484-485; 3.28.0 :534-539, :890-891). The
 *    profile states both keys for every shipped platform's shim (check-release-profile.ts), so the chart's defaults
 *    at the kata tag never need reading here. */
export function runtimeClassPull(profile: ReleaseProfile, platform: PlatformId, arch?: Arch): RuntimeClassPull | undefined {
  const spec = profile.platforms[platform];
  if (!spec) return undefined;
  const install = profile.install;
  if (install.method === 'operator') {
    const overlay = spec.overlay ? install.overlays[spec.overlay] : undefined;
    const configured = overlay?.runtimeClassConfig?.[spec.runtimeClass];
    const snapshotter = configured?.snapshotter ?? overlay?.snapshotter;
    if (snapshotter === undefined) return undefined;
    const from = configured ? `install.overlays.${spec.overlay}.runtimeClassConfig.${spec.runtimeClass}.snapshotter` : `install.overlays.${spec.overlay}.snapshotter`;
    return { snapshotter, forcedGuestPull: false, from };
  }
  const shim = kataHypervisorOf(spec.handler);
  if (!shim) return undefined;
  const containerd = shimContainerdValues(helmValues(install, arch ?? spec.arches[0]!), install, shim);
  if (typeof containerd.snapshotter !== 'string' || typeof containerd.forceGuestPull !== 'boolean') return undefined;
  return { snapshotter: containerd.snapshotter, forcedGuestPull: containerd.forceGuestPull,
    from: `install values ${formatPath(containerd.path)}: snapshotter ${JSON.stringify(containerd.snapshotter)}, forceGuestPull ${containerd.forceGuestPull}` };
}

/** Why a pull mode voids the release's guest-pull claims, or undefined when it keeps them: `host` pulls and unpacks on
 *  the host, which no guest-pull claim covers; `forced` only where the release's kata has the forcing setting;
 *  `nydus` where the release's install gives the platform's runtime class neither the nydus snapshotter nor forced
 *  guest pull (a class it forces, as kata-deploy's GPU shims at kata 3.25.0–3.28.0, pulls in the guest as `forced`). */
export function guestPullVoidedBy(profile: ReleaseProfile, pullMode: PullMode, platform?: PlatformId): string | undefined {
  const pull = platform ? runtimeClassPull(profile, platform) : undefined;
  if (pullMode === 'nydus' && pull && pull.snapshotter !== 'nydus') {
    const runtimeClass = profile.platforms[platform!]?.runtimeClass;
    if (!pull.forcedGuestPull) {
      return `pull mode nydus: release ${profile.release}'s install configures snapshotter ${JSON.stringify(pull.snapshotter)} for ` +
        `${runtimeClass}, not nydus, and does not force guest pull (${pull.from}), so the image is pulled on the host`;
    }
    // The class pulls in the guest by kata's forcing, whatever the pod's runtime-handler annotation selects.
    if (!forcedGuestPullAvailable(profile)) {
      return `pull mode nydus: release ${profile.release}'s install forces guest pull for ${runtimeClass} without nydus (${pull.from}), ` +
        `but its kata ${profile.components.kata.version} has no ${FORCED_GUEST_PULL_SETTING.key}, so the image is pulled on the host`;
    }
    return undefined;
  }
  if (pullMode === 'host') {
    const notes = profile.limitations.find((l) => l.id === 'nydus-host-pull-not-enabled');
    return `pull mode host: the image is pulled and unpacked on the host, and release ${profile.release} claims guest pull only` +
      (notes ? ` (its notes: "${notes.text}")` : '');
  }
  if (pullMode === 'forced' && !forcedGuestPullAvailable(profile)) {
    return `pull mode forced: release ${profile.release} ships kata ${profile.components.kata.version}, whose runtime has no ` +
      `${FORCED_GUEST_PULL_SETTING.key} (kata ${FORCED_GUEST_PULL_SETTING.sinceKata} and later), so without the nydus snapshotter the image is pulled on the host`;
  }
  return undefined;
}

/** What the runtime must be configured with for the pull mode, for plans and dry runs; undefined when the install
 *  as the release ships it already does it (nydus, where the install gives the class the nydus snapshotter). */
export function pullModeRuntimeSetup(profile: ReleaseProfile, pullMode: PullMode, platform: PlatformId): string | undefined {
  const runtimeClass = profile.platforms[platform]?.runtimeClass;
  if (pullMode === 'nydus') {
    const pull = runtimeClassPull(profile, platform);
    return pull && pull.snapshotter !== 'nydus' && pull.forcedGuestPull
      ? `nydus pull mode, but the install gives runtime class ${runtimeClass} no nydus snapshotter and forces guest pull ` +
        `(${pull.from}): kata's runtime pulls the image in the guest as under forced pull, whatever the runtime-handler annotation selects`
      : undefined;
  }
  if (pullMode === 'forced') {
    const { section, key, value, sinceKata } = FORCED_GUEST_PULL_SETTING;
    const available = forcedGuestPullAvailable(profile)
      ? ''
      : ` — release ${profile.release}'s kata ${profile.components.kata.version} has no such setting (kata ${sinceKata} and later)`;
    // On a Helm release the chart's forceGuestPull is that switch (kata-deploy sets the key for the shim): say what the
    // install gives the class already.
    const pull = profile.install.method === 'helm' ? runtimeClassPull(profile, platform) : undefined;
    const viaChart = pull ? ` (the chart's switch for it: ${pull.from})` : '';
    return `forced guest pull: the install must set ${key} = ${value} in the [${section}] section of the kata configuration of ` +
      `runtime class ${runtimeClass}${viaChart}; pods carry no runtime-handler annotation${available}`;
  }
  if (pullMode === 'host') {
    return `host pull: pods carry no runtime-handler annotation, so containerd pulls and unpacks the image on the host with its default snapshotter`;
  }
  return undefined;
}

function forcedGuestPullAvailable(profile: ReleaseProfile): boolean {
  return compareReleases(profile.components.kata.version, FORCED_GUEST_PULL_SETTING.sinceKata) >= 0;
}
