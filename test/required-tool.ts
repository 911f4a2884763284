import { existsSync } from 'node:fs';
import { test } from '@playwright/test';

/** A self-test that needs a tool scripts/setup/machine.sh installs (scripts/setup/apt-packages.txt). Under CI its
 *  absence is a broken machine, so the test fails saying so; on a developer's machine it skips, saying what to
 *  install. Call it inside the test. */
export function requireTool(path: string, install: string): void {
  if (existsSync(path)) return;
  const why = `${path} is not installed (${install})`;
  if (process.env.CI) throw new Error(`${why}: scripts/setup/machine.sh installs it, and CI never skips this test`);
  console.log(`skipped: ${why}`);
  test.skip(true, why);
}
