import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../lib/exec/run-command.ts';

export interface ClusterReach {
  kubeconfig?: string;
  reachable: boolean;
  /** The server version when reachable, otherwise why not. */
  detail: string;
}

/** Whether the cluster the user's kubeconfig points at answers: KUBECONFIG (first entry) or ~/.kube/config. */
export async function readClusterReach(env: NodeJS.ProcessEnv = process.env): Promise<ClusterReach> {
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find(Boolean);
  const kubeconfig = fromEnv ?? path.join(env.HOME ?? os.homedir(), '.kube', 'config');
  const origin = fromEnv ? 'KUBECONFIG' : 'default';
  if (!existsSync(kubeconfig)) {
    return { reachable: false, detail: `no kubeconfig (${origin} ${kubeconfig} does not exist)` };
  }
  const located = await runCommand(['sh', '-c', 'command -v kubectl'], { nothrow: true, env });
  if (located.exitCode !== 0) return { kubeconfig, reachable: false, detail: 'kubectl missing' };
  const result = await runCommand(['kubectl', '--kubeconfig', kubeconfig, 'version', '-o', 'json', '--request-timeout=5s'], {
    nothrow: true,
    env,
    timeoutMs: 15_000,
  });
  const server = parseServerVersion(result.stdout);
  if (server) return { kubeconfig, reachable: true, detail: `server ${server}` };
  const why = result.stderr.trim().split('\n').pop() || `kubectl exited ${result.exitCode}`;
  return { kubeconfig, reachable: false, detail: `not reachable: ${why}` };
}

function parseServerVersion(stdout: string): string | undefined {
  try {
    return (JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion;
  } catch {
    return undefined;
  }
}
