import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { encodedReleases, loadRunnerMatrix } from '../../matrix/index.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** The example workflows follow the shipped nightly matrix: one job per runner of matrix/nightly.yaml, no job for a
 *  runner it does not have, and the merge signs off what the nightly runs. Read with the `yaml` parser as GitHub
 *  would read the workflow, not through the harness's own loader. */
test('examples/github-actions: a nightly job per runner of matrix/nightly.yaml, and merge signs off its newest release', () => {
  const workflow = parse(readFileSync(join(SOURCE_ROOT, 'examples/github-actions/nightly.yml'), 'utf8')) as {
    jobs: { conformance: { strategy: { matrix: { include: { runner: string; labels: string[] }[] } } } };
  };
  const jobs = workflow.jobs.conformance.strategy.matrix.include.map((entry) => entry.runner);
  const runners = loadRunnerMatrix(join(SOURCE_ROOT, 'matrix/nightly.yaml')).runners.map((runner) => runner.name);
  expect([...jobs].sort()).toEqual([...runners].sort());

  const merge = parse(readFileSync(join(SOURCE_ROOT, 'examples/github-actions/merge.yml'), 'utf8')) as { env: { RELEASE: string } };
  const nightlyReleases = new Set(loadRunnerMatrix(join(SOURCE_ROOT, 'matrix/nightly.yaml')).runners.flatMap((r) => r.runs.flatMap((run) => run.releases)));
  expect(merge.env.RELEASE).toBe('latest');
  expect(nightlyReleases).toContain(encodedReleases().at(-1));
});
