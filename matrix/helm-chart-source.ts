import type { HelmInstall } from './release-profile.ts';

/** Where a release's Helm chart comes from, as `install.chart` writes it:
 *  - a chart a registry serves (`oci://ghcr.io/…/confidential-containers`, `repo/name`): a published release, whose
 *    `install.version` picks the version;
 *  - a directory on the runner (`/srv/charts/confidential-containers`, `./charts/x`): a chart checked out by hand;
 *  - a git ref of a repository, `git+<url>@<ref>#<path>` (`git+https://github.com/kata-containers/kata-containers@3.32.0#tools/packaging/kata-deploy/helm-chart/kata-deploy`):
 *    what upstream CI installs before a tag (kata's gha-run-k8s-common.sh installs the kata-deploy chart from its
 *    own checkout). */
export type HelmChartSource =
  | { kind: 'registry'; chart: string }
  | { kind: 'directory'; dir: string }
  | { kind: 'git'; repository: string; ref: string; path: string };

/** Reads `install.chart`; undefined when it is a git reference written wrongly (the profile check names it). */
export function helmChartSource(chart: string): HelmChartSource | undefined {
  if (chart.startsWith('git+')) {
    // The ref is after the last @ (a repository URL may carry one: ssh://git@host/…), the path after the #.
    const [location = '', path = ''] = chart.slice('git+'.length).split('#', 2);
    const at = location.lastIndexOf('@');
    const [repository, ref] = [location.slice(0, at), location.slice(at + 1)];
    const dir = path.replace(/^\/+|\/+$/g, '');
    if (at <= 0 || !ref || !dir || /\s/.test(chart)) return undefined;
    return { kind: 'git', repository, ref, path: dir };
  }
  if (chart.startsWith('/') || chart.startsWith('./') || chart.startsWith('../')) return { kind: 'directory', dir: chart };
  return { kind: 'registry', chart };
}

/** The chart as a person reads it: `oci://… 0.21.0`, `directory …`, `kata-containers@3.32.0:tools/…`. */
export function describeHelmChart(install: HelmInstall): string {
  const source = helmChartSource(install.chart);
  if (source?.kind === 'git') return `git ${source.repository} at ${source.ref}, ${source.path}`;
  if (source?.kind === 'directory') return `directory ${source.dir}`;
  return `${install.chart} ${install.version ?? '(no version)'}`;
}
