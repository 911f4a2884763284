import type { PlannedTest } from '../../matrix/plan-cells.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';
import type { EnvironmentFacts } from '../../reporters/result-record.ts';
import type { InstalledRelease } from '../install/installed-release.ts';
import type { DeployedKbs } from '../kbs/deployed-kbs.ts';
import type { ClusterProvider, ProvisionedCluster } from '../providers/cluster-provider.ts';
import type { PreparedPlatform } from '../platforms/platform-setup.ts';

/** What a cell has made so far: teardown undoes exactly this, whichever step stopped the cell. */
export interface CellState {
  profile?: ReleaseProfile;
  /** The cell's tests with their expected outcomes, from the plan step. */
  planned?: PlannedTest[];
  /** Set by the plan step when every test is expected to skip: nothing else runs. */
  skipReason?: string;
  provider?: ClusterProvider;
  /** The cluster as the provider would have named it, so a provision that failed halfway is still cleaned up. */
  plannedCluster?: ProvisionedCluster;
  cluster?: ProvisionedCluster;
  workerNode?: { name: string; internalIp: string };
  installed?: InstalledRelease;
  kbs?: DeployedKbs;
  prepared?: PreparedPlatform;
  environment?: EnvironmentFacts;
  doubles: string[];
  /** The step running when the cell stopped. */
  step: string;
  suitesStarted: boolean;
}
