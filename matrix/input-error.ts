/** Bad input from a user's file: reported as one line `file:line:col: path: what is wrong`, exit code 2, no stack. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    const where = line !== undefined ? `${file}:${line}:${column ?? 1}` : file;
    super(escapeControls(`${where}: ${shortenPath(path) || '(document)'}: ${shortenProblem(problem)}`));
    this.name = 'InputError';
  }
}

export const EXIT_BAD_INPUT = 2;

/** A path or a problem quotes what the user wrote (a key, a value), which can be a megabyte long, so both are cut to
 *  a readable line. A path keeps its start and its end (where the problem is); a problem its start. The longest
 *  real messages (a list of every cell id) fit. */
const MAX_PATH_CHARS = 240;
const MAX_PROBLEM_CHARS = 2_000;

function shortenPath(path: string): string {
  if (path.length <= MAX_PATH_CHARS) return path;
  const half = MAX_PATH_CHARS / 2;
  return `${path.slice(0, half)}…${path.slice(-half)}`;
}

function shortenProblem(problem: string): string {
  return problem.length <= MAX_PROBLEM_CHARS ? problem : `${problem.slice(0, MAX_PROBLEM_CHARS)}… (${problem.length - MAX_PROBLEM_CHARS} more characters)`;
}

/** Line breaks and control characters a value brought into the message (YAML allows NEL, U+2028 and U+2029 in
 *  text; JSON.stringify leaves them as they are) are written as escapes: the message stays one line, and no raw
 *  control code reaches the terminal. */
export function escapeControls(message: string): string {
  return message.replace(/[\x00-\x08\x0A-\x1F\x7F-\x9F\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
