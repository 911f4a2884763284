import { runCommand, type RunResult } from '../exec/run-command.ts';

export type NodeShellMode = 'local' | 'debug' | 'none';

export interface NodeShellOptions {
  /** The node the tests target (required for `debug`). */
  node?: string;
  /** Image of the debug pod (busybox). */
  image?: string;
  kubeconfig?: string;
  context?: string;
  /** Namespace for the debug pods, so they go when the test's namespace goes. */
  namespace?: string;
}

/** Runs a command as root on the tested node. Results never throw on a non-zero exit: the caller decides what an exit
 *  code means (journalctl without kata entries, find on a missing directory). */
export interface NodeShell {
  readonly mode: NodeShellMode;
  readonly node?: string;
  run(argv: readonly string[], timeoutMs?: number): Promise<RunResult>;
  /** Why it cannot run anything (mode `none`). */
  readonly unavailable?: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** `local`: the node is this machine. `debug`: `kubectl debug node/<n> --image=<busybox> -- chroot /host …`, as
 *  upstream's exec_host does. `none`: every call fails with the reason. */
export function createNodeShell(mode: NodeShellMode, options: NodeShellOptions = {}): NodeShell {
  if (mode === 'local') {
    return { mode, ...(options.node ? { node: options.node } : {}), run: (argv, timeoutMs = DEFAULT_TIMEOUT_MS) => runCommand(argv, { nothrow: true, timeoutMs }) };
  }
  if (mode === 'debug') {
    const node = options.node;
    if (!node) return unavailable('kubectl debug needs the node name (nodeName in the suite environment or COCO_NODE)');
    const kubectl = ['kubectl',
      ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : []),
      ...(options.context ? ['--context', options.context] : []),
      ...(options.namespace ? ['--namespace', options.namespace] : [])];
    const image = options.image ?? 'busybox';
    return {
      mode, node,
      run: (argv, timeoutMs = DEFAULT_TIMEOUT_MS) => runCommand(
        [...kubectl, 'debug', `node/${node}`, `--image=${image}`, '--quiet', '--attach=true', '--', 'chroot', '/host', ...argv],
        { nothrow: true, timeoutMs }),
    };
  }
  return unavailable('the suite environment says the node cannot be reached (nodeShell: none)');
}

function unavailable(reason: string): NodeShell {
  return {
    mode: 'none',
    unavailable: reason,
    run: async (argv) => ({ argv, exitCode: 127, stdout: '', stderr: `node shell unavailable: ${reason}`, durationMs: 0 }),
  };
}
