import type { SuiteEnvironment } from '../../fixtures/suite-environment.ts';
import type { Cell } from '../../matrix/cell.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { ClusterProvider, ProviderContext, ProvisionedCluster } from '../providers/index.ts';
import type { DeployedKbs } from '../kbs/index.ts';
import type { InstalledRelease } from '../install/index.ts';

/** What a platform's local setup sees: the cell and everything the pipeline made for it so far. */
export interface PlatformSetupContext {
  cell: Cell;
  profile: ReleaseProfile;
  cluster: ProvisionedCluster;
  provider: ClusterProvider;
  providerContext: ProviderContext;
  release: InstalledRelease;
  /** The KBS the pipeline deployed or was given; absent when the setup says it provides the KBS itself. */
  kbs?: DeployedKbs;
  /** This cell's working folder (configs, keys) and its artifacts folder. */
  workDir: string;
  outDir: string;
  dryRun: boolean;
  signal: AbortSignal;
  log(line: string): void;
}

/** What a setup hands back: fields it decides for the suites (images, KBS endpoint, node shell…), the test
 *  doubles it brought (named in the record and report), and how to undo everything it started. */
export interface PreparedPlatform {
  suiteEnv: Partial<SuiteEnvironment>;
  doubles: string[];
  /** Called in teardown, also after a failure or a signal; must be safe to call once everything else is gone. */
  cleanup(): Promise<void>;
}

/** A platform's local setup, run between the KBS step and the suites (e.g. control: local registry, self-built
 *  images, the KBS double). */
export interface PlatformSetup {
  /** true when prepare() brings its own KBS (a double): the pipeline then deploys no trustee for the cell. */
  readonly providesKbs?: boolean;
  prepare(ctx: PlatformSetupContext): Promise<PreparedPlatform>;
}
