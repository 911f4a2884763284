import type { InstallRecipe } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';

/** A release after install: what uninstall needs to undo it and what the result record reports. */
export interface InstalledRelease {
  release: string;
  platform: PlatformId;
  method: InstallRecipe['method'] | 'control';
  /** Namespace of the installed components (operator or chart). */
  namespace?: string;
  /** The overlay applied (operator method). */
  overlay?: string;
  /** The kustomize targets applied (operator method): the profile's, or the install double's folders. */
  kustomizations?: { operator: string; overlay: string };
  runtimeClasses: string[];
  /** The node labels the install put on (verified gone after uninstall). */
  nodeLabels?: string[];
  /** namespace/container → image of the installed components, for the environment facts. */
  componentImages: Record<string, string>;
  /** Control: the release installed with its install doubles, under the control platform's own runtime class. */
  underneath?: InstalledRelease;
}
