/** What only the runner can give the KBS deploy: machine-specific values no release profile can hold. */
export interface KbsRunnerInputs {
  /** TDX: the PCCS the KBS's QCNL library asks for collateral (kata's CI runs one at https://<host>:8081/sgx/certification/v4/). */
  pccsUrl?: string;
  /** s390x: a directory on the KBS node for the local PersistentVolume; on IBM SE it holds the SE credentials. */
  ibmSeCredsDir?: string;
}

/** The environment variables a runner sets for each input. */
export const KBS_RUNNER_INPUT_ENV = {
  pccsUrl: 'COCO_TDX_PCCS_URL',
  ibmSeCredsDir: 'COCO_IBM_SE_CREDS_DIR',
} as const satisfies Record<keyof KbsRunnerInputs, string>;

/** Reads the runner inputs from the environment; an empty variable counts as not given. */
export function kbsRunnerInputsFromEnv(env: NodeJS.ProcessEnv): KbsRunnerInputs {
  const value = (name: string) => env[name]?.trim() || undefined;
  return { pccsUrl: value(KBS_RUNNER_INPUT_ENV.pccsUrl), ibmSeCredsDir: value(KBS_RUNNER_INPUT_ENV.ibmSeCredsDir) };
}

/** One input a deploy needs, and why (for the error that names it). */
export interface NeededRunnerInput {
  key: keyof KbsRunnerInputs;
  why: string;
}

/** A real run stops before touching anything when an input is missing, naming every one and what it is for; a dry
 *  run goes on with placeholders, so a cell's commands can be planned on a machine that is not its runner. */
export function checkRunnerInputs(inputs: KbsRunnerInputs, needed: readonly NeededRunnerInput[], dryRun: boolean): void {
  const missing = needed.filter(({ key }) => !inputs[key]);
  if (dryRun || !missing.length) return;
  const named = missing.map(({ key, why }) => `${KBS_RUNNER_INPUT_ENV[key]} (${why})`);
  throw new Error(`failed to deploy KBS: missing runner input ${named.join('; ')}`);
}

/** The input's value, or in a dry run without it the placeholder `<ENV_NAME>`. */
export function runnerInput(inputs: KbsRunnerInputs, key: keyof KbsRunnerInputs): string {
  return inputs[key] ?? `<${KBS_RUNNER_INPUT_ENV[key]}>`;
}
