/** Secrets never reach logs, reports or artifacts: every value registered here is replaced wherever text leaves
 *  the process through the harness (command errors, attachments, result records). */
const secrets = new Set<string>();

export const REDACTED = '[REDACTED]';

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; the harness's own secrets are long random strings.
  if (value && value.length >= 6) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

export function registeredSecretCount(): number {
  return secrets.size;
}
