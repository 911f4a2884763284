import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';

/** Secrets never reach logs, reports or artifacts: every value registered here is replaced wherever text leaves
 *  the process through the harness (command errors, attachments, result records).
 *
 *  Playwright runs tests in worker processes and reporters in the runner process, so registrations are also
 *  shared through a file named by COCO_SECRETS_FILE (mode 0600, one base64 value per line, outside any results
 *  folder): a value a worker registers is redacted by the reporter too. */
const secrets = new Set<string>();
let sharedBytesRead = 0;

export const REDACTED = '[REDACTED]';

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; the harness's own secrets are long random strings.
  if (!value || value.length < 6 || secrets.has(value)) return;
  secrets.add(value);
  const shared = process.env.COCO_SECRETS_FILE;
  if (shared) appendFileSync(shared, `${Buffer.from(value).toString('base64')}\n`, { mode: 0o600 });
}

export function redact(text: string): string {
  readSharedSecrets();
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

export function registeredSecretCount(): number {
  readSharedSecrets();
  return secrets.size;
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
    if (line) secrets.add(Buffer.from(line, 'base64').toString('utf8'));
  }
}
