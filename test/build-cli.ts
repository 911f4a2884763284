import { spawnSync } from 'node:child_process';
import { buildProblem, ROOT } from '../bin/build-state.mjs';

/** Global setup of the self-tests and the end-to-end run: tests start bin/coco-conformance.mjs as a user does, which
 *  runs the compiled CLI, so a build older than the source is rebuilt first (`npm run build`) — the tests then check
 *  the code as it is, and the bin's one-line "dist/ is older" notice never reaches a test's stderr. */
export default function buildCli(): void {
  const problem = buildProblem();
  if (!problem) return;
  console.log(`${problem}: npm run build`);
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
}
