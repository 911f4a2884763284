export { installRelease, uninstallRelease, type InstallTarget } from './release-installer.ts';
export { installContext, type InstallContext, type InstallDoubles, type InstalledRelease } from './install-context.ts';
export { CONTROL_OPERATOR_OVERLAY } from './control-install.ts';
