import { tmpdir } from 'node:os';
import type { RunResult } from '../../../lib/exec/run-command.ts';
import type { InstallContext } from '../../../harness/install/install-context.ts';
import type { ScriptedCluster } from './scripted-cluster.ts';

/** An InstallContext whose commands do not run: each is logged with its virtual time, and the ones the cluster's
 *  script has a phase for (by a substring of the command line) start that phase's events. */
export function scriptedInstallContext(
  cluster: ScriptedCluster,
  phaseOf: (commandLine: string) => string | undefined,
  /** What a command prints, when the test has an answer for it (e.g. `helm get manifest`). */
  stdoutOf: (commandLine: string) => string | undefined = () => undefined,
): { ctx: InstallContext; commands: Array<{ line: string; atMs: number }>; files: Map<string, string> } {
  const commands: Array<{ line: string; atMs: number }> = [];
  const files = new Map<string, string>();
  const ctx: InstallContext = {
    cluster: { name: 'scripted', kubeconfigPath: '/scripted/kubeconfig', nodes: [], createdByHarness: true },
    provider: { workDir: tmpdir(), dryRun: false, record: () => {}, log: () => {} },
    async command(_step, argv): Promise<RunResult> {
      const line = argv.join(' ');
      commands.push({ line, atMs: cluster.now() });
      const phase = phaseOf(line);
      if (phase) cluster.trigger(phase);
      return { argv, exitCode: 0, stdout: stdoutOf(line) ?? lookAt(cluster, line), stderr: '', durationMs: 0 };
    },
    async file(_step, path, content) {
      files.set(path, content);
    },
    events: cluster,
    clock: cluster,
  };
  return { ctx, commands, files };
}

/** The looks the uninstall verification takes (verifyUninstalled, harness/install/release-installer.ts), answered
 *  from the scripted cluster's state: its runtime classes and its nodes' labels. Namespaces and CRDs are not
 *  scripted: none is found. */
function lookAt(cluster: ScriptedCluster, line: string): string {
  if (line.endsWith(' get runtimeclass -o name')) return cluster.names('RuntimeClass').map((name) => `runtimeclass.node.k8s.io/${name}\n`).join('');
  if (line.endsWith(' get nodes -o json')) {
    return JSON.stringify({ items: cluster.names('Node').map((name) => ({ metadata: { name, labels: cluster.labels(name) } })) });
  }
  return '';
}
