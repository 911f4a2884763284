export { deployKbs, removeKbs, type KbsDeployInput } from './kbs-deploy.ts';
export { useExternalKbs } from './external-kbs.ts';
export { checkKbsHealth } from './kbs-health.ts';
export type { DeployedKbs } from './deployed-kbs.ts';
export { kbsRunnerInputsFromEnv, KBS_RUNNER_INPUT_ENV, type KbsRunnerInputs } from './kbs-runner-inputs.ts';
