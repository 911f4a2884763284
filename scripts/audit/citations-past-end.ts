/**
 * Audit aid: every `file:line` a release profile cites must name a line that exists in that file at one of the refs
 * the profile pins (kata tag, trustee ref, guest-components version, operator tag). A citation past the end of the
 * file at every pinned ref is surely wrong (a line from another tag, or another file); one inside the file still
 * needs reading. A comment that names another kata tag (`kata 3.9.0 …`, as valuesFrom facts do) on the citation's line
 * or the three before it is checked at that tag too. Reads local bare git mirrors of the upstream repositories; prints the suspect citations and exits 1
 * when there are any. Not a test: CI has no mirrors.
 *
 *   npx tsx scripts/audit/citations-past-end.ts --mirrors <dir> [v0.14.0 …]
 *
 * A mirror is <mirrors>/<owner>+<name>/repo (kata-containers+kata-containers, confidential-containers+trustee,
 * confidential-containers+guest-components, confidential-containers+operator). A mirror that is missing, or a ref it
 * does not hold, would leave that ref's citations unjudged and the audit silently clean: both stop it (exit 2).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { encodedReleases, loadRelease, releaseProfileFile } from '../../matrix/index.ts';
import { UPSTREAM_REPOS as REPOS, upstreamMirrors } from './upstream-mirrors.ts';

const { values, positionals } = parseArgs({ options: { mirrors: { type: 'string' } }, allowPositionals: true });
const { git, mirrorPath, requireMirrors, stop: stopAudit } = upstreamMirrors('citations-past-end', values.mirrors);
const stop: (problem: string) => never = stopAudit;
const known = encodedReleases();
const unknown = positionals.filter((release) => !known.includes(release));
if (unknown.length) stop(`no release profile for ${unknown.join(', ')} (encoded: ${known.join(', ')})`);
requireMirrors(Object.values(REPOS));

const trees = new Map<string, string[]>();
function tree(repo: string, ref: string): string[] {
  const key = `${repo}@${ref}`;
  if (!trees.has(key)) {
    const listed = git(repo, 'ls-tree', '-r', '--name-only', ref);
    if (listed === undefined) stop(`${mirrorPath(repo)} has no ref ${ref}: the citations at it cannot be judged`);
    trees.set(key, listed.split('\n').filter(Boolean));
  }
  return trees.get(key)!;
}

const lengths = new Map<string, number | undefined>();
function lineCount(repo: string, ref: string, file: string): number | undefined {
  const key = `${repo}@${ref}:${file}`;
  if (!lengths.has(key)) lengths.set(key, git(repo, 'show', `${ref}:${file}`)?.split('\n').length);
  return lengths.get(key);
}

// `some/path/file.ext:12`, `:12-15`, `:12,30-31`; the extensions upstream's cited files have.
const CITATION = /([\w][\w./-]*\.(?:bats|sh|rs|go|yaml|yml|toml|rego|in|json|conf|md))((?::\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*))/g;

let suspects = 0;
for (const release of positionals.length ? positionals : known) {
  const profile = loadRelease(release);
  const refs: Array<[string, string]> = [
    [REPOS.kata, profile.components.kata.version],
    [REPOS.trustee, profile.components.trustee.ref],
    [REPOS.guestComponents, profile.components.guestComponents.version],
    [REPOS.operator, profile.components.operator?.version ?? ''],
  ].filter((pair): pair is [string, string] => Boolean(pair[1]));
  const lines = readFileSync(releaseProfileFile(release), 'utf8').split('\n');
  lines.forEach((text, index) => {
    const namedKataTags = lines.slice(Math.max(0, index - 3), index + 1).join(' ').matchAll(/\bkata (\d+\.\d+\.\d+)\b/g);
    const lineRefs = [...refs, ...[...namedKataTags].map(([, tag]): [string, string] => [REPOS.kata, tag!])];
    for (const [, cited, numbers] of text.matchAll(CITATION)) {
      const highest = Math.max(...(numbers!.match(/\d+/g) ?? []).map(Number));
      const files = lineRefs.flatMap(([repo, ref]) => tree(repo, ref)
        .filter((file) => file === cited || file.endsWith(`/${cited}`))
        .map((file) => ({ repo, ref, file, length: lineCount(repo, ref, file) })));
      // A path no pinned ref holds (another repository, another tag's file) is not judged here.
      if (files.length === 0 || files.some((f) => f.length !== undefined && highest <= f.length)) continue;
      suspects += 1;
      const where = files.slice(0, 3).map((f) => `${f.repo.split('+')[1]}@${f.ref.slice(0, 12)}:${f.file} has ${f.length} lines`).join('; ');
      console.log(`${release}.yaml:${index + 1}: ${cited}${numbers} is past the end (${where})`);
    }
  });
}
console.log(suspects ? `${suspects} citation(s) past the end of the cited file` : 'no citation past the end of its file');
process.exit(suspects ? 1 : 0);
