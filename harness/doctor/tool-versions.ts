import { findCachedGoTool, type CachedGoTool } from '../../lib/exec/cached-go-tool.ts';
import { runCommand } from '../../lib/exec/run-command.ts';

/** The tools a runner may need, and how each tells its version. skopeo, helm and opa are not here: "what a run needs"
 *  (requirements.ts) reports the ones a run takes — the cached build first, then PATH — with their location, and a
 *  second line reading PATH alone would contradict it. */
export const DOCTOR_TOOLS: Record<string, string[]> = {
  docker: ['docker', '--version'],
  kubectl: ['kubectl', 'version', '--client'],
  kind: ['kind', 'version'],
  k3s: ['k3s', '--version'],
  kubeadm: ['kubeadm', 'version', '-o', 'short'],
  kustomize: ['kustomize', 'version'],
  crictl: ['crictl', '--version'],
  containerd: ['containerd', '--version'],
};

/** Tools a run takes from the cache its build script keeps (lib/exec/cached-go-tool.ts), never from PATH: the kind
 *  provider runs the kind scripts/setup/build-kind.sh built (harness/providers/kind/kind-engine.ts), so doctor
 *  reports that one, found by the same lookup, and not a `kind` on PATH. */
const CACHED_TOOLS: Partial<Record<string, CachedGoTool>> = { kind: 'kind' };

export interface ToolVersion {
  tool: string;
  /** A version string, "missing", or "present, but `…` failed: …". */
  version: string;
  found: boolean;
}

const VERSION = /v?\d+\.\d+(\.\d+)?[0-9A-Za-z.+~-]*/;

/** Version of each tool, run through the one command wrapper; a tool not on PATH reads "missing", a cached tool not
 *  (yet) built at its pinned version "not built: …" with the build script that makes it. */
export async function readToolVersions(env: Record<string, string | undefined> = {}): Promise<ToolVersion[]> {
  return Promise.all(
    Object.entries(DOCTOR_TOOLS).map(async ([tool, argv]): Promise<ToolVersion> => {
      const cached = CACHED_TOOLS[tool];
      if (cached) {
        const lookup = await findCachedGoTool(cached, env);
        if (!lookup.found) return { tool, version: `not built: ${lookup.reason}; a run builds it (bash scripts/setup/build-${cached}.sh)`, found: false };
        const version = await versionOf(tool, [lookup.path, ...argv.slice(1)], env);
        return { ...version, version: `${version.version} (${lookup.path})` };
      }
      const located = await runCommand(['sh', '-c', 'command -v "$1"', 'sh', tool], { nothrow: true, env });
      if (located.exitCode !== 0) return { tool, version: 'missing', found: false };
      return versionOf(tool, argv, env);
    }),
  );
}

async function versionOf(tool: string, argv: string[], env: Record<string, string | undefined>): Promise<ToolVersion> {
  const result = await runCommand(argv, { nothrow: true, env, timeoutMs: 10_000 });
  const output = `${result.stdout}\n${result.stderr}`.trim();
  if (result.exitCode !== 0) {
    const lastLine = output.split('\n').pop() ?? '';
    return { tool, version: `present, but \`${argv.join(' ')}\` failed: ${lastLine}`, found: true };
  }
  return { tool, version: output.match(VERSION)?.[0] ?? output.split('\n')[0] ?? '', found: true };
}
