export { captureEnvironment, writeEnvironmentFile, type CaptureInput } from './capture-environment.ts';
export { captureHostFacts, cpuModel, prettyName, TEE_HOST_FILES } from './host-facts.ts';
export { captureToolVersions } from './tool-versions.ts';
export { captureClusterFacts } from './cluster-facts.ts';
