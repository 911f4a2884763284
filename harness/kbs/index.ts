export { deployKbs, removeKbs, useExternalKbs, checkKbsHealth, type DeployedKbs, type KbsDeployInput } from './kbs-deploy.ts';
export { kbsRunnerInputsFromEnv, KBS_RUNNER_INPUT_ENV, type KbsRunnerInputs } from './platform-extras.ts';
