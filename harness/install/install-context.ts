import type { InstallRecipe } from '../../matrix/release-profile.ts';
import type { PlatformId } from '../../matrix/vocabulary.ts';
import type { RunOptions, RunResult } from '../../lib/exec/run-command.ts';
import type { ProviderContext, ProvisionedCluster } from '../providers/cluster-provider.ts';
import { stepCommand, stepFile } from '../providers/shared/step-command.ts';
import {
  kubeEventSource, realClock, waitInOrder, type ClusterEventSource, type ClusterView, type Clock, type WaitStage,
} from '../../lib/cluster/wait/index.ts';

// What every install method (helm-install.ts, operator-install.ts, control-install.ts) works with: the context it
// acts through, what it is given in place of the release's sources (install doubles), and what it leaves behind.

/** What install and uninstall act through: commands (kubectl, helm) and the cluster's events. Tests swap both for
 *  a recording; a dry run records the commands and describes the waits instead of doing them. */
export interface InstallContext {
  cluster: ProvisionedCluster;
  provider: ProviderContext;
  command(step: string, argv: readonly string[], options?: Omit<RunOptions, 'signal'>): Promise<RunResult>;
  file(step: string, path: string, content: string): Promise<void>;
  events: ClusterEventSource;
  clock: Clock;
}

export function installContext(cluster: ProvisionedCluster, provider: ProviderContext): InstallContext {
  return {
    cluster,
    provider,
    command: (step, argv, options) => stepCommand(provider, step, argv, options),
    file: (step, path, content) => stepFile(provider, step, path, content),
    events: kubeEventSource({ path: cluster.kubeconfigPath, context: cluster.context }),
    clock: realClock,
  };
}

/** kubectl bound to the cluster being installed. */
export function kubectl(ctx: InstallContext, ...args: string[]): string[] {
  const { kubeconfigPath, context } = ctx.cluster;
  return ['kubectl', '--kubeconfig', kubeconfigPath, ...(context ? ['--context', context] : []), ...args];
}

/** Waits for the stages in order on the cluster's events, or in dry-run records what it would wait for (a dry run
 *  has no cluster). Each stage's limit counts from the end of the one before. Resolves with the view at the end. */
export async function waitStep(ctx: InstallContext, step: string, stages: readonly WaitStage[]): Promise<ClusterView | undefined> {
  ctx.provider.record(step, `# wait (watch): ${stages.map(({ condition, options }) =>
    `${condition.what} within ${options.timeoutSeconds}s`).join('; then ')}`);
  if (ctx.provider.dryRun) return undefined;
  const { view } = await waitInOrder({ source: ctx.events, clock: ctx.clock, signal: ctx.provider.signal }, stages);
  return view;
}

/** namespace/container → image of every pod in the view. */
export function imagesOf(view: ClusterView | undefined, namespace: string): Record<string, string> {
  const images: Record<string, string> = {};
  for (const pod of view?.pods() ?? []) {
    for (const container of pod.spec?.containers ?? []) images[`${namespace}/${container.name}`] = container.image ?? '';
  }
  return images;
}

/** Where a release cannot be pulled (the control platform: no container registry, no GitHub), the harness's real
 *  install code runs against test doubles of the release's chart or operator (lib/install-doubles), served
 *  from this machine. This is what the install step uses in place of the profile's sources; everything else —
 *  the helm and kubectl commands, values, readiness, stabilisation, uninstall and its verification — is the
 *  release's own. */
export interface InstallDoubles {
  /** Named in the record and report (testDoubles). */
  descriptions: string[];
  /** helm: the double's chart reference, extra arguments to reach it (--plain-http) and values over the profile's
   *  (the double's image). */
  chart?: { reference: string; args: string[]; values: Record<string, unknown> };
  /** operator: a profile kustomize target → the double's folder standing for it. */
  kustomization?(target: string): string;
}

/** A release after install: what uninstall needs to undo it and what the result record reports. */
export interface InstalledRelease {
  release: string;
  platform: PlatformId;
  method: InstallRecipe['method'] | 'control';
  /** Namespace of the installed components (operator or chart). */
  namespace?: string;
  /** The overlay applied (operator method). */
  overlay?: string;
  /** The kustomize targets applied (operator method): the profile's, or the install double's folders. */
  kustomizations?: { operator: string; overlay: string };
  runtimeClasses: string[];
  /** The node labels the install put on (verified gone after uninstall). */
  nodeLabels?: string[];
  /** namespace/container → image of the installed components, for the environment facts. */
  componentImages: Record<string, string>;
  /** Control: the release installed with its install doubles, under the control platform's own runtime class. */
  underneath?: InstalledRelease;
}
