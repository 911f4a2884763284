import { $, ProcessOutput } from 'zx';
import { CommandError } from './command-error.ts';
import { redact } from './redact.ts';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Written to the command's stdin. */
  input?: string | Buffer;
  timeoutMs?: number;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  nothrow?: boolean;
  signal?: AbortSignal;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** The one way the harness runs an external command: an argv array (zx quotes every element), never a
 *  hand-built shell string. A failure throws CommandError with a pasteable command, exit code and stderr tail. */
export async function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const [program, ...args] = argv;
  if (!program) throw new Error('runCommand needs at least a program name');
  const started = Date.now();
  // No input means stdin is closed: a command that reads stdin must never wait on the harness's own (zx would
  // hand it over for an empty input).
  const hasInput = options.input !== undefined && options.input.length > 0;
  const shell = $({
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    input: hasInput ? options.input : undefined,
    stdio: [hasInput ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs,
    signal: options.signal,
    quiet: true,
    nothrow: true,
    verbose: false,
  });
  const output: ProcessOutput = await shell`${program} ${args}`;
  const result: RunResult = {
    argv,
    exitCode: output.exitCode,
    stdout: output.stdout,
    stderr: output.stderr,
    durationMs: Date.now() - started,
  };
  if (result.exitCode !== 0 && !options.nothrow) {
    throw new CommandError(argv, result.exitCode, redact(result.stdout), redact(result.stderr));
  }
  return result;
}
