import { expect } from '@playwright/test';
import { runCommand } from '../../lib/exec/run-command.ts';

/** Reads TOML with an implementation independent of the harness: Python 3.11's tomllib. A self-test that checks
 *  TOML the harness writes (init-data, containerd's config) reads it back through this, never through the
 *  library the harness wrote it with. */
export async function parseTomlWithTomllib(text: string): Promise<any> {
  const result = await runCommand(['python3', '-c', 'import json, sys, tomllib; print(json.dumps(tomllib.loads(sys.stdin.read())))'],
    { input: text, nothrow: true });
  expect(result.exitCode, `tomllib refuses the TOML: ${result.stderr.slice(-400)}`).toBe(0);
  return JSON.parse(result.stdout);
}
