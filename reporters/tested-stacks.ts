import type { MergedRun } from './merged-results.ts';
import type { TestedStack, TestedStackGroup } from './compatibility-report.ts';
import type { ReportProfile } from './compatibility-report.ts';

const DISTRO_NAMES: Record<string, string> = { kubeadm: 'Kubeadm', k3s: 'k3s', kind: 'kind', existing: 'existing cluster' };

/** The release notes' "This release has been tested on the following stacks" from the captured environments:
 *  one group per platform, identical stacks folded together with the runners that share them. Only runs that
 *  executed at least one test count: an infra-failed cell tested nothing on its stack. */
export function testedStacksOf(profile: ReportProfile, runs: readonly MergedRun[], ranTests: ReadonlySet<string>): TestedStackGroup[] {
  const groups: TestedStackGroup[] = [];
  for (const platform of platformOrder(profile, runs)) {
    const stacks = new Map<string, TestedStack>();
    for (const run of runs.filter((r) => r.platform === platform && ranTests.has(r.key))) {
      const stack = stackOf(run);
      const key = JSON.stringify({ ...stack, runners: [] });
      const seen = stacks.get(key);
      if (seen) seen.runners = [...new Set([...seen.runners, run.runner])].sort();
      else stacks.set(key, stack);
    }
    if (stacks.size) groups.push({ platform, name: profile.platforms[platform]?.name ?? platform, stacks: [...stacks.values()] });
  }
  return groups;
}

function stackOf(run: MergedRun): TestedStack {
  const env = run.environment;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const distro = text(env.kubernetesDistro) ?? DISTRO_NAMES[run.cell.cluster.distro] ?? run.cell.cluster.distro;
  const version = text(env.kubernetesServer) ?? (run.cell.cluster.kubernetes ? `v${run.cell.cluster.kubernetes}` : undefined);
  const stack: TestedStack = { runners: [run.runner] };
  const set = <K extends keyof TestedStack>(key: K, value: TestedStack[K] | undefined) => {
    if (value !== undefined) stack[key] = value;
  };
  set('hardware', text(env.hardware));
  set('processor', text(env.cpuModel));
  set('kernel', text(env.kernel));
  set('os', text(env.os));
  set('kubernetes', version ? `${version} (${distro})` : undefined);
  set('containerd', text(env.containerd));
  set('kustomize', text(env.kustomize));
  set('helm', text(env.helm));
  return stack;
}

/** The profile's platforms in its order, then any platform only the records name (a record of another release's
 *  platform, or a profile that dropped it), by name. */
export function platformOrder(profile: ReportProfile, runs: readonly { platform: string }[]): string[] {
  const defined = Object.keys(profile.platforms);
  const extra = [...new Set(runs.map((r) => r.platform))].filter((p) => !defined.includes(p)).sort();
  return [...defined, ...extra];
}
