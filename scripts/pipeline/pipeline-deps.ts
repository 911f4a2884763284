import type { Cell } from '../../matrix/cell.ts';
import { loadRelease } from '../../matrix/index.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { ClusterDistro, PlatformId } from '../../matrix/vocabulary.ts';
import type { EnvironmentFacts } from '../../reporters/result-record.ts';
import { captureEnvironment, type CaptureInput } from '../environment/capture-environment.ts';
import { installContext, type InstallContext } from '../install/install-context.ts';
import { installRelease, uninstallRelease } from '../install/release-installer.ts';
import { deployKbs, removeKbs } from '../kbs/kbs-deploy.ts';
import { useExternalKbs } from '../kbs/external-kbs.ts';
import type { ClusterProvider } from '../providers/cluster-provider.ts';
import { resolveProvider } from '../providers/index.ts';
import { platformSetupFor, type PlatformSetup } from '../platforms/index.ts';
import { runSuites } from './suite-run.ts';

export interface DryRunSuitesInput {
  release: string;
  platform: PlatformId;
  cell: Cell;
  outDir: string;
  kbsUrl?: string;
}

/** Everything the pipeline acts through. The CLI uses the real ones; the pipeline's own tests swap in fakes
 *  (a failing provider, suites that only write a record) without touching a cluster. */
export interface PipelineDeps {
  loadRelease(release: string): ReleaseProfile;
  resolveProvider(distro: ClusterDistro): Promise<ClusterProvider>;
  installContext: typeof installContext;
  installRelease: typeof installRelease;
  uninstallRelease: typeof uninstallRelease;
  deployKbs: typeof deployKbs;
  removeKbs: typeof removeKbs;
  useExternalKbs: typeof useExternalKbs;
  captureEnvironment(input: CaptureInput): Promise<EnvironmentFacts>;
  runSuites: typeof runSuites;
  runDryRunSuites(input: DryRunSuitesInput): Promise<void>;
  platformSetupFor(platform: PlatformId): PlatformSetup | undefined;
}

/** The suites' dry run lives with the fixtures it plans from (fixtures/dry-run); loaded only when a dry run asks,
 *  so a normal run never pays for it. */
async function runDryRunSuites(input: DryRunSuitesInput): Promise<void> {
  const { runDryRun } = await import('../../fixtures/dry-run/index.ts');
  await runDryRun(input);
}

export const defaultPipelineDeps: PipelineDeps = {
  loadRelease: (release) => loadRelease(release),
  resolveProvider,
  installContext,
  installRelease,
  uninstallRelease,
  deployKbs,
  removeKbs,
  useExternalKbs,
  captureEnvironment,
  runSuites,
  runDryRunSuites,
  platformSetupFor,
};

export type { InstallContext };
