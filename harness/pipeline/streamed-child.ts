import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { pasteable } from '../../lib/exec/command-error.ts';

export interface StreamedChildOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Aborting stops the child as Ctrl-C would: SIGINT to its whole process group, SIGKILL after stopGraceMs. */
  signal?: AbortSignal;
  stopGraceMs: number;
  /** Every complete line of output, as it arrives. */
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

/** Runs a long command whose output matters while it runs (lib/exec/run-command.ts hands output over only at
 *  the end). The child gets its own process group, so a stop reaches it and everything it started together — for
 *  Playwright the runner and its workers, which then end their tests gracefully (fixture teardown, an
 *  `interrupted` end for the reporters) exactly as after Ctrl-C in a terminal. Resolves with the exit code, or
 *  128 + the signal number when a signal ended it. */
export function runStreamed(argv: readonly string[], options: StreamedChildOptions): Promise<number | null> {
  const [program, ...args] = argv;
  if (!program) throw new Error('runStreamed needs at least a program name');
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
    });
    // Until 'close' the group may hold more than the leader (npx's child, the workers), so it is signalled even
    // after the leader exited; after 'close' its id may be reused and is left alone.
    let closed = false;
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined || closed) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      signalGroup('SIGINT');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), options.stopGraceMs);
    };
    // A second Ctrl-C makes the run exit at once (harness/pipeline/signals.ts): its own group must not outlive it.
    const killOnExit = () => signalGroup('SIGKILL');
    process.on('exit', killOnExit);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    const done = () => {
      closed = true;
      clearTimeout(killTimer);
      process.off('exit', killOnExit);
      options.signal?.removeEventListener('abort', stop);
    };
    forEachLine(child.stdout, (line) => options.onLine(line, 'stdout'));
    forEachLine(child.stderr, (line) => options.onLine(line, 'stderr'));
    child.once('error', (error) => {
      done();
      reject(new Error(`failed to start ${pasteable(argv)}: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      done();
      resolve(code ?? (signal ? 128 + constants.signals[signal] : null));
    });
  });
}

function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}
