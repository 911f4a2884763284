import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';

/** Secrets never reach logs, reports or artifacts: every value registered here is replaced wherever text leaves
 *  the process through the harness (command errors, attachments, result records).
 *
 *  Playwright runs tests in worker processes and reporters in the runner process, so registrations are also
 *  shared through a file named by COCO_SECRETS_FILE (mode 0600, one base64 value per line, outside any results
 *  folder): a value a worker registers is redacted by the reporter too. */
/** value → what it is, so an error stays readable: "[secret:registry-password]" tells a reader more than a blank. */
const secrets = new Map<string, string>();
/** The secrets longest first (a secret that contains another, a PEM and its body, is replaced whole); rebuilt only
 *  when a secret is added, since redact() runs on every line of the suites' output. */
let longestFirst: [string, string][] = [];
function remember(value: string, replacement: string): void {
  secrets.set(value, replacement);
  longestFirst = [...secrets].sort(([a], [b]) => b.length - a.length);
}
let sharedBytesRead = 0;

export const REDACTED = '[REDACTED]';

/** Registers a value to redact. `label` says what it is ("registry-password", "kbs default/aa/key-1a2b3c4d"): the
 *  value is then replaced by `[secret:<label>]`, stable across the run, else by [REDACTED]. */
export function registerSecret(value: string | undefined, label?: string): void {
  // Very short values would redact ordinary words; the harness's own secrets are long random strings.
  if (!value || value.length < 6 || secrets.has(value)) return;
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

export function redact(text: string): string {
  readSharedSecrets();
  let out = text;
  for (const [secret, replacement] of longestFirst) out = out.split(secret).join(replacement);
  return out;
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
