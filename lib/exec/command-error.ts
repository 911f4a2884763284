/** Plain meanings of the exit codes people meet most, so a failure reads without a lookup. */
const EXIT_MEANINGS: Record<number, string> = {
  1: 'general error',
  2: 'misuse or bad input',
  124: 'timed out',
  126: 'command cannot execute',
  127: 'command not found',
  130: 'interrupted (SIGINT)',
  137: 'killed (SIGKILL)',
  143: 'terminated (SIGTERM)',
};

function exitCodeMeaning(code: number | null): string {
  if (code === null) return 'no exit code (killed by a signal)';
  return EXIT_MEANINGS[code] ?? 'command failed';
}

/** Quotes one argument for a POSIX shell, only when it needs it, so the printed command can be pasted as is. */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-+=.,/:@%^]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function pasteable(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** A failed external command: the pasteable command, exit code with its meaning, and the tail of stderr. */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-15).join('\n');
    super(
      `command failed (exit ${exitCode ?? 'signal'}: ${exitCodeMeaning(exitCode)}): ${pasteable(argv)}` +
        (tail ? `\n${tail}` : ''),
    );
    this.name = 'CommandError';
  }
}
