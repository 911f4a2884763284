import { expectedById, type SuiteEnvironment } from '../../lib/suite-environment.ts';
import type { Cell } from '../../matrix/cell.ts';
import type { PlannedTest } from '../../matrix/plan-cells.ts';
import type { DeployedKbs } from '../kbs/index.ts';
import type { ProvisionedCluster } from '../providers/index.ts';

export interface SuiteEnvironmentInput {
  cell: Cell;
  /** The cell's tests with their expected outcomes, as the plan step derived them (planCellTests). */
  planned: readonly PlannedTest[];
  runId: string;
  outDir: string;
  /** The cell's result record, which the suites' reporter writes. */
  recordFile: string;
  cluster: ProvisionedCluster;
  nodeName?: string;
  kbs?: DeployedKbs;
  environmentFile: string;
  dryRun: boolean;
  /** What the platform setup decided; it wins over the pipeline's defaults. */
  fromSetup?: Partial<SuiteEnvironment>;
  doubles: string[];
}

/** The node is this machine for kubeadm and k3s (the harness installed them here), so node commands run directly;
 *  kind nodes and other people's clusters are reached through `kubectl debug node/…`. */
export function nodeShellFor(cell: Cell): SuiteEnvironment['nodeShell'] {
  return cell.cluster.distro === 'kubeadm' || cell.cluster.distro === 'k3s' ? 'local' : 'debug';
}

export function buildSuiteEnvironment(input: SuiteEnvironmentInput): SuiteEnvironment {
  const base: SuiteEnvironment = {
    cell: input.cell,
    release: input.cell.release,
    platforms: [input.cell.platform],
    expected: { [input.cell.platform]: expectedById(input.planned) },
    recordFile: input.recordFile,
    kubeconfig: input.cluster.kubeconfigPath,
    context: input.cluster.context,
    runner: input.cell.runner,
    runId: input.runId,
    outDir: input.outDir,
    nodeName: input.nodeName,
    kbs: input.kbs?.endpoint ?? { isDouble: false },
    images: { kind: 'upstream' },
    doubles: input.doubles,
    dryRun: input.dryRun,
    nodeShell: nodeShellFor(input.cell),
    environmentFile: input.environmentFile,
  };
  return { ...base, ...input.fromSetup, doubles: input.doubles };
}
