import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';

/** Secrets never reach logs, reports or artifacts: every value registered here is replaced wherever text leaves
 *  the process through the harness (command errors, attachments, result records).
 *
 *  Playwright runs tests in worker processes and reporters in the runner process, so registrations are also
 *  shared through a file named by COCO_SECRETS_FILE (mode 0600, one base64 value per line, outside any results
 *  folder): a value a worker registers is redacted by the reporter too. */
/** value → what it is, so an error stays readable: "[secret:registry-password]" tells a reader more than a blank. */
const secrets = new Map<string, string>();
let sharedBytesRead = 0;

export const REDACTED = '[REDACTED]';

/** Registers a value to redact. `label` says what it is ("registry-password", "kbs default/aa/key-1a2b3c4d"): the
 *  value is then replaced by `[secret:<label>]`, stable across the run, else by [REDACTED]. */
export function registerSecret(value: string | undefined, label?: string): void {
  // Very short values would redact ordinary words; the harness's own secrets are long random strings.
  if (!value || value.length < 6 || secrets.has(value)) return;
  const replacement = label ? `[secret:${label.replace(/[\]\n]/g, ' ')}]` : REDACTED;
  secrets.set(value, replacement);
  const shared = process.env.COCO_SECRETS_FILE;
  if (shared) appendFileSync(shared, `${Buffer.from(replacement).toString('base64')} ${Buffer.from(value).toString('base64')}\n`, { mode: 0o600 });
}

export function redact(text: string): string {
  readSharedSecrets();
  let out = text;
  // Longest first, so a secret that contains another (a PEM and its body) is replaced whole.
  for (const [secret, replacement] of [...secrets].sort(([a], [b]) => b.length - a.length)) out = out.split(secret).join(replacement);
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
    const [replacement, value] = line.split(' ');
    if (replacement && value) secrets.set(Buffer.from(value, 'base64').toString('utf8'), Buffer.from(replacement, 'base64').toString('utf8'));
  }
}
