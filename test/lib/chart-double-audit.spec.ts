import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { runCommand } from '../../lib/exec/run-command.ts';
import { ensureHelm, writeChartDouble } from '../../lib/install-doubles/index.ts';
import { loadRelease } from '../../matrix/index.ts';
import { freshFolder, scratchDirectory } from './scratch-directory.ts';
import { oneCommitMirror } from '../support/git-mirror.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** scripts/audit/chart-double-vs-upstream.ts renders kata's kata-deploy chart out of the kata mirror at the release's
 *  tag. CI has no mirror: here a real git repository holds, at that tag and path, a chart whose objects are known — the
 *  double's own kata-deploy subchart — so the audit must find no difference, then exactly the one made in it; and a
 *  mirror without the tag stops it in one line. The rendering and comparison are helm's and the audit's. */
const KATA_MIRROR = 'kata-containers+kata-containers';
const CHART_PATH = 'tools/packaging/kata-deploy/helm-chart/kata-deploy';
const RELEASE = 'v0.21.0';
const scratch = scratchDirectory('chart-double-audit');

async function audit(...args: string[]) {
  return runCommand(['npx', '--no-install', 'tsx', 'scripts/audit/chart-double-vs-upstream.ts', ...args], { cwd: SOURCE_ROOT, nothrow: true, timeoutMs: 300_000 });
}

/** A kata mirror whose only commit holds `chart` at kata-deploy's path, tagged `tag` when given. */
async function kataMirror(chart: string, tag?: string): Promise<string> {
  const root = freshFolder(scratch);
  await oneCommitMirror(root, KATA_MIRROR, { from: chart, at: CHART_PATH }, tag);
  return root;
}

test.beforeAll(async () => {
  test.setTimeout(30 * 60_000);
  await ensureHelm();
});

test('a chart at the tag with the double\'s objects: no difference; one class\'s overhead changed: that difference, exit 1', async () => {
  test.setTimeout(600_000);
  const kata = loadRelease(RELEASE).components.kata.version;
  const subchart = join(writeChartDouble(freshFolder(scratch), '0.21.0', kata), 'charts', 'kata-deploy');
  const same = await audit('--mirrors', await kataMirror(subchart, kata), RELEASE);
  expect(same.stdout, same.stderr).toContain(`${RELEASE} (kata ${kata}): 6 RuntimeClass(es) identical`);
  expect(same.stdout).toContain('the chart double matches kata\'s kata-deploy chart');
  expect(same.exitCode).toBe(0);

  const shape = join(subchart, 'double-shape.yaml');
  const doc = parseDocument(readFileSync(shape, 'utf8'));
  expect(doc.getIn(['overhead', 'qemu-snp', 'memory'])).toBe('2048Mi');
  doc.setIn(['overhead', 'qemu-snp', 'memory'], '1024Mi');
  writeFileSync(shape, doc.toString());
  const changed = await audit('--mirrors', await kataMirror(subchart, kata), RELEASE);
  expect(changed.stdout, changed.stderr).toMatch(new RegExp(`^  ${RELEASE}: RuntimeClass/kata-qemu-snp: kata ${kata} .*"memory":"1024Mi".*; double .*"memory":"2048Mi"`, 'm'));
  expect(changed.stdout).toContain('1 difference(s) between the chart double and kata\'s kata-deploy chart');
  expect(changed.exitCode).toBe(1);
});

test('a kata mirror without the release\'s kata tag stops the audit in one line, exit 2', async () => {
  const kata = loadRelease(RELEASE).components.kata.version;
  const subchart = join(writeChartDouble(freshFolder(scratch), '0.21.0', kata), 'charts', 'kata-deploy');
  const mirrors = await kataMirror(subchart);
  const result = await audit('--mirrors', mirrors, RELEASE);
  expect(result.stderr.trim()).toBe(`chart-double-vs-upstream: ${join(mirrors, KATA_MIRROR, 'repo')} has no ${CHART_PATH} at ref ${kata}: the chart double's kata ${kata} cannot be judged`);
  expect(result.exitCode).toBe(2);
});
