import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { InputError } from './input-error.ts';

/** What a user's input file is expected to hold, for the message when it holds something else. */
export interface TextFileKind {
  /** "YAML", "JSON": the message reads "not a YAML text file". */
  format: string;
  /** Files above this are refused before a byte is read: a matrix is a few kilobytes, and a parser's memory grows
   *  with its input. */
  maxBytes: number;
}

/** Reads a user's UTF-8 text file whole, refusing what is not one — a folder or device (reading /dev/zero never
 *  ends), a file over the size limit, bytes that are not UTF-8 — with an InputError naming `displayFile` and, for
 *  bad bytes, their line and column. The file's content never appears in a message: a binary file would garble the
 *  terminal. */
export function readTextFile(file: string, displayFile: string, kind: TextFileKind): string {
  const refuse = (problem: string, line?: number, column?: number) => new InputError(displayFile, '', problem, line, column);
  // One open, and the checks on what was opened: a report reads thousands of record files, and looking a path up
  // twice (a stat, then the read) cost a tenth of reading them. O_NONBLOCK: opening a FIFO must not wait for a writer
  // before fstat can refuse it.
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    // A socket cannot be opened at all; stat tells what it is.
    throw refuse(isSocket(file) ? NOT_REGULAR : failedToRead(error));
  }
  let text: string;
  let bytes: Buffer | undefined;
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw refuse('is a folder, not a file');
    if (!stats.isFile()) throw refuse(NOT_REGULAR);
    if (stats.size > kind.maxBytes) throw refuse(`is ${stats.size} bytes; the limit is ${kind.maxBytes}`);
    // The whole file read and decoded in one native call: reading in steps cost as much as parsing. Bytes that are
    // not UTF-8 decode to U+FFFD, so only a text holding that character is read again as bytes, from the same
    // descriptor, and checked.
    text = readFileSync(fd, 'utf8');
    if (text.includes('\uFFFD')) bytes = bytesOf(fd, stats.size);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw refuse(failedToRead(error));
  } finally {
    closeSync(fd);
  }
  if (bytes && !isUtf8(bytes)) {
    const at = byteLineColumn(bytes, firstInvalidUtf8Offset(bytes));
    throw refuse(`not a ${kind.format} text file (not valid UTF-8)`, at.line, at.column);
  }
  // The text is the file's bytes now, and a UTF-16 unit is at most three of them: only a text over a third of the
  // limit can have grown past it after the stat.
  if (text.length > kind.maxBytes / 3 && Buffer.byteLength(text) > kind.maxBytes) {
    throw refuse(`grew past the limit of ${kind.maxBytes} bytes while being read`);
  }
  // A byte order mark is not part of the text (a UTF-8 decoder drops it too).
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const NOT_REGULAR = 'is not a regular file (a device, a pipe or a socket)';

/** The first `size` bytes of an open file, read from its start whatever was read before. */
function bytesOf(fd: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let read = 0;
  for (let n = 1; read < size && n > 0; read += n) n = readSync(fd, bytes, read, size - read, read);
  return bytes.subarray(0, read);
}

function isSocket(file: string): boolean {
  try {
    return statSync(file).isSocket();
  } catch {
    return false;
  }
}

function failedToRead(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'file not found' : `failed to read file: ${code ?? String(error)}`;
}

/** The offset where the content stops being UTF-8: the first byte of the broken character. A prefix that decodes
 *  (allowing a character cut at its end) has only prefixes that decode, so the first failing prefix is found by
 *  bisection; when the byte that fails it ends a character left incomplete (é in Latin-1 followed by a newline),
 *  the broken character starts at that incomplete one. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const decodes = (length: number, stream: boolean) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream });
      return true;
    } catch {
      return false;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (decodes(middle, true)) good = middle;
    else bad = middle;
  }
  const failing = bad - 1;
  if (decodes(failing, false)) return failing;
  let start = failing - 1;
  while (start > 0 && failing - start < 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  return start;
}

function byteLineColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1 };
}
