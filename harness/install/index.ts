export { installRelease, uninstallRelease, type InstallTarget } from './release-installer.ts';
export type { InstalledRelease } from './installed-release.ts';
export { installContext, type InstallContext } from './install-context.ts';
export type { InstallDoubles } from './install-doubles.ts';
export { CONTROL_OPERATOR_OVERLAY } from './control-install.ts';
