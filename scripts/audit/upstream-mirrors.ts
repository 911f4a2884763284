import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** What every audit against the local bare mirrors of the upstream repositories (<mirrors>/<owner>+<name>/repo) shares:
 *  the one-line stop (exit 2) for input it cannot judge, and git run in a mirror. */
export const UPSTREAM_REPOS = {
  kata: 'kata-containers+kata-containers',
  trustee: 'confidential-containers+trustee',
  guestComponents: 'confidential-containers+guest-components',
  operator: 'confidential-containers+operator',
} as const;

export interface UpstreamMirrors {
  /** One line on stderr, prefixed with the audit's name; exit 2. */
  stop(problem: string): never;
  /** git in the mirror of `repo`: its stdout, or undefined when git fails. */
  git(repo: string, ...args: string[]): string | undefined;
  /** The mirror's git directory. */
  mirrorPath(repo: string): string;
  /** Stops the audit unless each of `repos` is a git repository. */
  requireMirrors(repos: readonly string[]): void;
}

/** The mirrors under `mirrors` (the audit stops when there is no such option). */
export function upstreamMirrors(audit: string, mirrors: string | undefined): UpstreamMirrors {
  const stop = (problem: string): never => {
    console.error(`${audit}: ${problem}`);
    process.exit(2);
  };
  if (!mirrors) stop('--mirrors <dir> is required (the folder holding <owner>+<name>/repo bare mirrors)');
  const mirrorPath = (repo: string) => path.join(mirrors!, repo, 'repo');
  const git = (repo: string, ...args: string[]) => {
    const result = spawnSync('git', ['-C', mirrorPath(repo), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return result.status === 0 ? result.stdout : undefined;
  };
  const requireMirrors = (repos: readonly string[]) => {
    for (const repo of repos) if (git(repo, 'rev-parse', '--git-dir') === undefined) stop(`${mirrorPath(repo)} is not a git mirror`);
  };
  return { stop, git, mirrorPath, requireMirrors };
}
