import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../lib/exec/run-command.ts';

/** An upstream mirror where the audit scripts look for one (<root>/<owner+name>/repo): a real git repository with one
 *  commit, holding the folder `content.from` at `content.at` (or nothing), tagged `tag` when given. Returns the repo. */
export async function oneCommitMirror(root: string, name: string, content?: { from: string; at: string }, tag?: string): Promise<string> {
  const repo = join(root, name, 'repo');
  mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) => runCommand(['git', '-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args]);
  await git('init', '-q');
  if (content) {
    cpSync(content.from, join(repo, content.at), { recursive: true });
    await git('add', '-A');
  }
  await git('commit', '-q', '--allow-empty', '-m', content ? 'content' : 'empty');
  if (tag) await git('tag', tag);
  return repo;
}
