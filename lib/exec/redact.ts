import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { MIN_SECRET_LENGTH, secretForms } from './secret-forms.ts';

/** Secrets never reach logs, reports or artifacts: every value registered here is replaced wherever text leaves
 *  the process through the harness (command errors, attachments, result records).
 *
 *  Playwright runs tests in worker processes and reporters in the runner process, so registrations are also
 *  shared through a file named by COCO_SECRETS_FILE (mode 0600, one base64 value per line, outside any results
 *  folder): a value a worker registers is redacted by the reporter too.
 *
 *  What is replaced is every textual form of a value (secret-forms.ts: as is, JSON- and HTML-escaped, base64 and
 *  base64url at each alignment, each base64 line of a PEM), the same forms the CI secret scan looks for. */
/** The values registered, in this process or another (the shared file): each is expanded into its forms once. */
const registered = new Set<string>();
/** form → what it is a form of, so an error stays readable: "[secret:registry-password]" tells a reader more than a
 *  blank. A form two secrets share keeps the label of the first. */
const secrets = new Map<string, string>();
/** The secrets by a hash of their first PREFIX characters, each list longest first (a secret that starts another, a
 *  PEM and the value cut from its start, is replaced whole). redact() runs on every line the harness writes, and a
 *  dry run of every release registers thousands of secrets: one pass over the text with a rolling hash costs the
 *  same whatever their number, where replacing each secret in turn cost time in proportion to it. */
const byPrefix = new Map<number, string[]>();
/** Shorter values and forms are not registered, so every one has a prefix this long. */
const PREFIX = MIN_SECRET_LENGTH;
const BASE = 31;
/** BASE^(PREFIX-1) modulo 2^32: the weight of the character that leaves the rolling window. */
const LEADING_WEIGHT = Array.from({ length: PREFIX - 1 }).reduce<number>((w) => Math.imul(w, BASE), 1);

function prefixHash(text: string, at: number): number {
  let hash = 0;
  for (let i = at; i < at + PREFIX; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

function remember(value: string, replacement: string): void {
  if (value.length < PREFIX || registered.has(value)) return;
  registered.add(value);
  for (const { bytes, text } of secretForms(Buffer.from(value))) if (text) rememberForm(bytes.toString('utf8'), replacement);
}

function rememberForm(form: string, replacement: string): void {
  if (form.length < PREFIX || secrets.has(form)) return;
  secrets.set(form, replacement);
  const key = prefixHash(form, 0);
  const list = byPrefix.get(key) ?? [];
  list.push(form);
  list.sort((a, b) => b.length - a.length);
  byPrefix.set(key, list);
}
let sharedBytesRead = 0;

export const REDACTED = '[REDACTED]';

/** Registers a value to redact. `label` says what it is ("registry-password", "kbs default/aa/key-1a2b3c4d"): the
 *  value is then replaced by `[secret:<label>]`, stable across the run, else by [REDACTED]. */
export function registerSecret(value: string | undefined, label?: string): void {
  // Very short values would redact ordinary words; the harness's own secrets are long random strings.
  if (!value || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  const replacement = label ? `[secret:${label.replace(/[\]\n]/g, ' ')}]` : REDACTED;
  remember(value, replacement);
  const shared = process.env.COCO_SECRETS_FILE;
  if (shared) appendFileSync(shared, `${Buffer.from(replacement).toString('base64')} ${Buffer.from(value).toString('base64')}\n`, { mode: 0o600 });
}

/** One line of the shared secrets file, `<base64 replacement> <base64 value>`: what it says, or undefined for a line
 *  that is not one (the CI secret scan reads the same file). */
export function parseSecretsLine(line: string): { replacement: string; value: Buffer } | undefined {
  const fields = line.split(' ');
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (fields.length !== 2 || !base64.test(fields[0]!) || !base64.test(fields[1]!)) return undefined;
  return { replacement: Buffer.from(fields[0]!, 'base64').toString('utf8'), value: Buffer.from(fields[1]!, 'base64') };
}

/** The text with every registered secret replaced, scanning it once: at each position, the longest secret that
 *  starts there is replaced and the scan goes on after it. */
export function redact(text: string): string {
  readSharedSecrets();
  if (secrets.size === 0 || text.length < PREFIX) return text;
  let out = '';
  let copied = 0;
  let hash = prefixHash(text, 0);
  for (let i = 0; i + PREFIX <= text.length; ) {
    const found = byPrefix.get(hash)?.find((secret) => text.startsWith(secret, i));
    if (found) {
      out += text.slice(copied, i) + secrets.get(found)!;
      i += found.length;
      copied = i;
      if (i + PREFIX <= text.length) hash = prefixHash(text, i);
      continue;
    }
    if (i + PREFIX < text.length) {
      hash = (Math.imul(hash - Math.imul(text.charCodeAt(i), LEADING_WEIGHT), BASE) + text.charCodeAt(i + PREFIX)) | 0;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Picks up what other processes appended since the last read (the file only grows). */
function readSharedSecrets(): void {
  const shared = process.env.COCO_SECRETS_FILE;
  if (!shared || !existsSync(shared) || statSync(shared).size === sharedBytesRead) return;
  const content = readFileSync(shared);
  const fresh = content.subarray(sharedBytesRead).toString('utf8');
  const complete = fresh.lastIndexOf('\n') + 1;
  sharedBytesRead += Buffer.byteLength(fresh.slice(0, complete));
  for (const line of fresh.slice(0, complete).split('\n')) {
    const entry = parseSecretsLine(line);
    if (entry) remember(entry.value.toString('utf8'), entry.replacement);
  }
}
