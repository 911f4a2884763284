import type { PlatformId } from '../../matrix/vocabulary.ts';
import { controlPlatformSetup } from './control-platform-setup.ts';
import type { PlatformSetup } from './platform-setup.ts';

/** Every platform that needs a local setup before its suites, listed here rather than registered on import, so
 *  the pipeline's view of the platforms is one module it imports. Platforms not listed need none (the real TEE
 *  platforms run against the release as installed). */
const PLATFORM_SETUPS: Partial<Record<PlatformId, PlatformSetup>> = {
  control: controlPlatformSetup,
};

export function platformSetupFor(platform: PlatformId): PlatformSetup | undefined {
  return PLATFORM_SETUPS[platform];
}

export type { PlatformSetup, PlatformSetupContext, PreparedPlatform } from './platform-setup.ts';
