import type { Cell } from './cell.ts';
import type { PlatformSpec, ReleaseProfile, RuntimeVariant } from './release-profile.ts';
import type { PlatformId } from './vocabulary.ts';

/** A platform through another kata shim: kata-deploy ships runtime-rs twins of the Go shims (kata-qemu-tdx-runtime-rs
 *  beside kata-qemu-tdx), and upstream CI runs the CoCo bats on both. The variant is the same TEE and the same
 *  claims (the release notes claim per platform), with its own runtime class and handler; a runner chooses it with
 *  `runtimeVariants` and its cells say so in their id (v0.21.0/tdx+runtime-rs/…). `default` is the platform's own
 *  runtime class. */
export const DEFAULT_RUNTIME_VARIANT = 'default';

/** The platform part of a cell id: `tdx`, or `tdx+runtime-rs` for a variant (`+` is in no platform id). */
export function platformLabel(platform: PlatformId, runtimeVariant?: string): string {
  return runtimeVariant ? `${platform}+${runtimeVariant}` : platform;
}

/** The platform as a cell on `runtimeVariant` runs it: the variant's runtime class, handler, shipped and note over the
 *  platform's own (everything else — TEE, probes, GPU, overlay — is the platform's). Undefined when either is. */
export function variantPlatformSpec(spec: PlatformSpec | undefined, runtimeVariant: string | undefined): PlatformSpec | undefined {
  if (!spec || !runtimeVariant) return spec;
  const variant: RuntimeVariant | undefined = spec.runtimeVariants?.[runtimeVariant];
  if (!variant) return undefined;
  // The variants stay: a view of a view is the same view (planCellTests takes the profile run-cell already viewed).
  const { note: _note, ...platform } = spec;
  return { ...platform, runtimeClass: variant.runtimeClass, handler: variant.handler, shipped: variant.shipped,
    ...(variant.note ? { note: variant.note } : {}) };
}

/** The release as a cell sees it: on a runtime variant, the cell's platform is the variant's (variantPlatformSpec), so
 *  the expected outcomes, the dry run, the pods' runtime class and the KBS deploy all follow the variant. The same
 *  profile for a cell on the platform's own runtime class. Idempotent. */
export function profileForCell(profile: ReleaseProfile, cell: Pick<Cell, 'platform' | 'runtimeVariant'> | undefined): ReleaseProfile {
  if (!cell?.runtimeVariant) return profile;
  const spec = variantPlatformSpec(profile.platforms[cell.platform], cell.runtimeVariant);
  if (!spec) throw new Error(`release ${profile.release} defines no runtime variant ${cell.runtimeVariant} of platform ${cell.platform}`);
  return { ...profile, platforms: { ...profile.platforms, [cell.platform]: spec } };
}
