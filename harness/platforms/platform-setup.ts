import type { SuiteEnvironment } from '../../lib/suite-environment.ts';
import type { Cell } from '../../matrix/cell.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { ClusterProvider, ProviderContext, ProvisionedCluster } from '../providers/index.ts';
import type { InstallDoubles } from '../install/index.ts';

/** What a platform's local setup sees: the cell and everything the pipeline made for it so far. */
export interface PlatformSetupContext {
  cell: Cell;
  profile: ReleaseProfile;
  cluster: ProvisionedCluster;
  provider: ClusterProvider;
  providerContext: ProviderContext;
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
  /** Doubles of the release's chart or operator the install step uses (a platform where the release cannot be
   *  pulled). */
  installDoubles?: InstallDoubles;
  /** Called in teardown, also after a failure or a signal; must be safe to call once everything else is gone. */
  cleanup(): Promise<void>;
}

/** A platform's local setup, run once the cluster is up and before the install (e.g. control: local registries,
 *  self-built images, the install doubles, the KBS double). */
export interface PlatformSetup {
  /** true when prepare() brings its own KBS (a double): the pipeline then deploys no trustee for the cell. */
  readonly providesKbs?: boolean;
  prepare(ctx: PlatformSetupContext): Promise<PreparedPlatform>;
}
