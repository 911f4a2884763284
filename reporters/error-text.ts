import { redact } from '../lib/exec/redact.ts';

/** Long enough for an assertion message and its call site; the artifacts carry the full logs. */
const MAX_ERROR_CHARS = 4000;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Error text as it may leave the process: colour codes removed, secrets redacted, bounded in size. */
export function cleanErrorText(text: string): string {
  const plain = redact(text.replace(ANSI, '')).trim();
  return plain.length > MAX_ERROR_CHARS ? `${plain.slice(0, MAX_ERROR_CHARS)}\n… (truncated)` : plain;
}
