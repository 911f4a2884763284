export { installRelease, uninstallRelease, type InstallTarget } from './release-installer.ts';
export type { InstalledRelease } from './installed-release.ts';
export { installContext, type InstallContext } from './install-context.ts';
