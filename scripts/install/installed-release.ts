import type { InstallRecipe } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';

/** A release after install: what uninstall needs to undo it and what the result record reports. */
export interface InstalledRelease {
  release: string;
  platform: PlatformId;
  method: InstallRecipe['method'] | 'control';
  /** Namespace of the installed components (operator or chart); absent for control. */
  namespace?: string;
  /** The overlay applied (operator method). */
  overlay?: string;
  runtimeClasses: string[];
  /** namespace/container → image of the installed components, for the environment facts. */
  componentImages: Record<string, string>;
}
