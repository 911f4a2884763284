import { compareReleases } from './load-release-profile.ts';
import type { ReleaseProfile } from './release-profile.ts';
import type { PlatformId, PullMode } from './vocabulary.ts';

/** kata's runtime setting that forces guest pull without a remote snapshotter: `experimental_force_guest_pull` in
 *  the [runtime] section of the runtime class's configuration (src/runtime/config/configuration-qemu-{tdx,snp,se,
 *  coco-dev}.toml.in; kata-containers 3.19.0 is the first tag whose templates carry it — 3.7.0 … 3.18.0 do not). */
export const FORCED_GUEST_PULL_SETTING = { section: 'runtime', key: 'experimental_force_guest_pull', value: true, sinceKata: '3.19.0' } as const;

/** Whether pods carry containerd's runtime-handler annotation: it selects the per-handler nydus snapshotter, which is
 *  what `nydus` pull means; forced and host pulls use the default snapshotter. */
export function usesRuntimeHandlerAnnotation(pullMode: PullMode): boolean {
  return pullMode === 'nydus';
}

/** The snapshotter the release's operator overlay configures for the platform's runtime class (operator ≥ v0.10
 *  config.runtimeClasses, install.overlays.<o>.runtimeClassConfig), or undefined where the profile does not say. */
export function configuredSnapshotter(profile: ReleaseProfile, platform: PlatformId): string | undefined {
  const spec = profile.platforms[platform];
  if (profile.install.method !== 'operator' || !spec?.overlay) return undefined;
  const overlay = profile.install.overlays[spec.overlay];
  return overlay?.runtimeClassConfig?.[spec.runtimeClass]?.snapshotter ?? overlay?.snapshotter;
}

/** Why a pull mode voids the release's guest-pull claims, or undefined when it keeps them: `host` pulls and unpacks on
 *  the host, which no guest-pull claim covers; `forced` only where the release's kata has the forcing setting;
 *  `nydus` where the release's install gives the platform's runtime class no nydus snapshotter. */
export function guestPullVoidedBy(profile: ReleaseProfile, pullMode: PullMode, platform?: PlatformId): string | undefined {
  const snapshotter = platform ? configuredSnapshotter(profile, platform) : undefined;
  if (pullMode === 'nydus' && snapshotter !== undefined && snapshotter !== 'nydus') {
    return `pull mode nydus: release ${profile.release}'s install configures snapshotter ${JSON.stringify(snapshotter)} for ` +
      `${profile.platforms[platform!]?.runtimeClass}, not nydus, so the image is pulled on the host`;
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
 *  as the release ships it already does it (nydus). */
export function pullModeRuntimeSetup(profile: ReleaseProfile, pullMode: PullMode, runtimeClass: string): string | undefined {
  if (pullMode === 'forced') {
    const { section, key, value, sinceKata } = FORCED_GUEST_PULL_SETTING;
    const available = forcedGuestPullAvailable(profile)
      ? ''
      : ` — release ${profile.release}'s kata ${profile.components.kata.version} has no such setting (kata ${sinceKata} and later)`;
    return `forced guest pull: the install must set ${key} = ${value} in the [${section}] section of the kata configuration of ` +
      `runtime class ${runtimeClass}; pods carry no runtime-handler annotation${available}`;
  }
  if (pullMode === 'host') {
    return `host pull: pods carry no runtime-handler annotation, so containerd pulls and unpacks the image on the host with its default snapshotter`;
  }
  return undefined;
}

function forcedGuestPullAvailable(profile: ReleaseProfile): boolean {
  return compareReleases(profile.components.kata.version, FORCED_GUEST_PULL_SETTING.sinceKata) >= 0;
}
