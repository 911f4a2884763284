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
    super(`${where}: ${path || '(document)'}: ${problem}`);
    this.name = 'InputError';
  }
}

export const EXIT_BAD_INPUT = 2;
