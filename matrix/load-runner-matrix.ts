import type { RunnerMatrix } from './cell.ts';
import { checkRunnerMatrix } from './check-runner-matrix.ts';
import { isReleaseKeyword, resolveReleaseKeyword } from './release-keywords.ts';
import { DEFAULT_RELEASES_DIR } from './load-release-profile.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { RUNNER_MATRIX_SCHEMA } from './schema/runner-matrix-schema.ts';
import { findViolation } from './schema/validate.ts';
import { YamlSource } from './yaml-source.ts';

/** A runner matrix together with the release profiles its runs name. */
export interface LoadedRunnerMatrix {
  matrix: RunnerMatrix;
  profiles: Map<string, ReleaseProfile>;
}

/** Reads, validates and cross-checks a runner matrix, loading every release profile it names (so a matrix that
 *  names a release without a profile is rejected here, with its position). */
export function loadRunnerMatrixWithProfiles(file: string, releasesDir = DEFAULT_RELEASES_DIR): LoadedRunnerMatrix {
  return runnerMatrixFromSource(YamlSource.read(file), releasesDir);
}

/** Validates and cross-checks a parsed runner matrix: all of loading after the file is read. */
function runnerMatrixFromSource(source: YamlSource, releasesDir = DEFAULT_RELEASES_DIR): LoadedRunnerMatrix {
  rejectUnsupportedRuntimes(source);
  const violation = findViolation(source.value, RUNNER_MATRIX_SCHEMA);
  if (violation) throw source.error(violation.path, violation.problem, violation.at);
  const matrix: RunnerMatrix = { ...(source.value as Omit<RunnerMatrix, 'file'>), file: source.displayFile };
  resolveReleaseKeywords(matrix, source, releasesDir);
  const profiles = checkRunnerMatrix(matrix, source, releasesDir);
  return { matrix, profiles };
}

/** Replaces `latest` / `previous` in every run's releases by the tag they name (release-keywords.ts), in place; a
 *  run that names one release twice once resolved ([latest, v0.21.0] while v0.21.0 is the newest) is refused. */
function resolveReleaseKeywords(matrix: RunnerMatrix, source: YamlSource, releasesDir: string): void {
  matrix.runners.forEach((runner, r) => {
    runner.runs.forEach((run, s) => {
      const seen = new Map<string, number>();
      run.releases = run.releases.map((entry, k) => {
        const at = ['runners', r, 'runs', s, 'releases', k];
        let release = entry;
        if (isReleaseKeyword(entry)) {
          const resolved = resolveReleaseKeyword(entry, releasesDir);
          if ('problem' in resolved) throw source.error(at, resolved.problem);
          release = resolved.release;
        }
        const first = seen.get(release);
        if (first !== undefined) throw source.error(at, `${entry} names ${release}, already listed as releases[${first}]`);
        seen.set(release, k);
        return release;
      });
    });
  });
}

/** Container runtimes a matrix may name but the harness cannot provide (no provider configures them), each with
 *  why; checked before the schema so the message says more than "expected one of: containerd". */
const UNSUPPORTED_RUNTIMES: Record<string, string> = {
  crio: 'not supported by this harness (its cluster providers configure containerd only; the release notes say crio support is still evolving)',
};

function rejectUnsupportedRuntimes(source: YamlSource): void {
  const runners = (source.value as { runners?: unknown } | null)?.runners;
  if (!Array.isArray(runners)) return;
  runners.forEach((runner, r) => {
    const runs = (runner as { runs?: unknown } | null)?.runs;
    if (!Array.isArray(runs)) return;
    runs.forEach((run, s) => {
      const runtime = (run as { containerRuntime?: unknown } | null)?.containerRuntime;
      if (typeof runtime === 'string' && Object.hasOwn(UNSUPPORTED_RUNTIMES, runtime)) {
        throw source.error(['runners', r, 'runs', s, 'containerRuntime'], `containerRuntime ${runtime}: ${UNSUPPORTED_RUNTIMES[runtime]}`);
      }
    });
  });
}

export function loadRunnerMatrix(file: string, releasesDir = DEFAULT_RELEASES_DIR): RunnerMatrix {
  return loadRunnerMatrixWithProfiles(file, releasesDir).matrix;
}
