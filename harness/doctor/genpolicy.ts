import { existsSync } from 'node:fs';
import path from 'node:path';
import { genpolicyTool, MISSING_GENPOLICY } from '../../lib/cluster/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';

export interface GenpolicyReport {
  found: boolean;
  /** One line: the binary and its version with the settings it will read, or why the generated-policy tests skip. */
  detail: string;
}

/** The runner's genpolicy (the agent-policy tests' policies come from it): where it is, its version, and whether its
 *  settings folder holds rules.rego and genpolicy-settings.json. */
export async function readGenpolicy(env: NodeJS.ProcessEnv = process.env): Promise<GenpolicyReport> {
  const tool = genpolicyTool(env);
  if (!tool) return { found: false, detail: `missing — ${MISSING_GENPOLICY}` };
  const result = await runCommand([tool.binary, '--version'], { nothrow: true, timeoutMs: 10_000 }).catch((e: Error) => ({ exitCode: -1, stdout: '', stderr: e.message }));
  const version = result.exitCode === 0
    ? (result.stdout.trim().split('\n')[0] ?? '')
    : `present, but \`${tool.binary} --version\` failed: ${(result.stderr || result.stdout).trim().split('\n').pop() ?? ''}`;
  const missing = ['rules.rego', 'genpolicy-settings.json'].filter((file) => !existsSync(path.join(tool.settingsDir, file)));
  const settings = missing.length ? `settings ${tool.settingsDir} lacks ${missing.join(' and ')}` : `settings ${tool.settingsDir}`;
  return { found: true, detail: `${tool.binary}: ${version}; ${settings}` };
}
