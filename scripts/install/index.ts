export { installRelease, uninstallRelease, type InstallTarget } from './release-installer.ts';
export type { InstalledRelease } from './installed-release.ts';
export { installContext, type InstallContext } from './install-context.ts';
export type { ClusterEvent, ClusterEventSource, Clock, KubeObject, WatchedKind } from './cluster-events.ts';
export { realClock } from './cluster-events.ts';
export { waitUntil, type Check, type Verdict } from './wait-until.ts';
export { readinessCheck, type ReadinessStage } from './readiness-check.ts';
