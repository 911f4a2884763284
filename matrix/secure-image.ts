import { kataHypervisorOf, selectsHandler } from './kata-hypervisor.ts';
import type { ReleaseProfile, SecureImageRebuild } from './release-profile.ts';
import type { PlatformId } from './vocabulary.ts';

/** IBM SE boots the kernel command line sealed into the node's secure image: a kernel_params annotation alone never
 *  reaches the guest. Upstream's tests give a pod its own parameters by rebuilding that image first (kata's lib.sh
 *  set_metadata_annotation → lib_se.sh repack_secure_image, one test at a time). This is the one place that says
 *  whether a platform is such a one, and whether its pods can have their own parameters. */

/** Whether the platform's guest boots the parameters of its secure image (platforms.<p>.secureImage). */
export function paramsBakedIntoImage(profile: ReleaseProfile, platform: PlatformId): boolean {
  return profile.platforms[platform]?.secureImage !== undefined;
}

/** How a pod on `platform` gets its own kernel parameters: `annotation` (the kernel_params annotation reaches the
 *  guest), `rebuild` (upstream rebuilds the secure image with them, keyed as its lib.sh keys it: on the platform's
 *  KATA_HYPERVISOR), or `none` with the reason. */
export type PodKernelParams =
  | { via: 'annotation' }
  | { via: 'rebuild'; rebuild: SecureImageRebuild }
  | { via: 'none'; reason: string };

export function podKernelParams(profile: ReleaseProfile, platform: PlatformId): PodKernelParams {
  const spec = profile.platforms[platform];
  const image = spec?.secureImage;
  if (!spec || !image) return { via: 'annotation' };
  const kata = `kata ${profile.components.kata.version}`;
  const baked = `platform ${platform} boots the kernel parameters sealed into the node's secure image (platforms.${platform}.secureImage), ` +
    'which no kernel_params annotation reaches';
  if (!image.rebuild) {
    return { via: 'none', reason: `${baked}, and ${kata}'s tests rebuild no secure image per pod${image.note ? ` (${image.note})` : ''}` };
  }
  if (!selectsHandler(image.rebuild, spec.handler)) {
    return { via: 'none', reason: `${baked}, and ${kata}'s set_metadata_annotation rebuilds it only for KATA_HYPERVISOR ` +
      `${image.rebuild.kataHypervisors.join(' or ')}, not ${kataHypervisorOf(spec.handler) ?? spec.handler} (platforms.${platform}.secureImage.rebuild.kataHypervisors)` };
  }
  return { via: 'rebuild', rebuild: image.rebuild };
}
