import { readFileSync } from 'node:fs';
import { InputError } from '../../../matrix/input-error.ts';
import { parseSecretsLine } from '../../../lib/exec/redact.ts';

/** One secret the run registered, as the secrets file holds it. */
export interface Secret {
  /** Line of the secrets file, so two secrets with the same label stay apart in a hit line. */
  line: number;
  label: string;
  value: Buffer;
}

/** The secrets a run registered, from the file COCO_SECRETS_FILE named (lib/exec/redact.ts writes it): each value
 *  once. A file that holds none is bad input: a scan for nothing would prove nothing. */
export function readSecretsFile(file: string): Secret[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(file, '(file)', `failed to read the secrets file: ${(error as Error).message}`);
  }
  const secrets: Secret[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const entry = parseSecretsLine(raw);
    // The line itself is never printed: it holds a secret.
    if (!entry) throw new InputError(file, 'entry', 'expected "<base64 replacement> <base64 value>"', index + 1);
    const { value, replacement } = entry;
    if (seen.has(value.toString('latin1'))) return;
    seen.add(value.toString('latin1'));
    const label = /^\[secret:(.*)\]$/.exec(replacement)?.[1] ?? 'unlabelled';
    secrets.push({ line: index + 1, label, value });
  });
  if (secrets.length === 0) {
    throw new InputError(file, '(file)', 'holds no secret: the run registered nothing, so a scan would prove nothing');
  }
  return secrets;
}

/** --expect-label: a secrets file without a secret so labelled means some process's registrations never reached it. */
export function checkExpectedLabels(file: string, secrets: Secret[], prefixes: string[]): void {
  for (const prefix of prefixes) {
    if (!secrets.some((secret) => secret.label.startsWith(prefix))) {
      throw new InputError(file, '(file)', `none of its ${secrets.length} secrets is labelled "${prefix}…": expected the run to register one`);
    }
  }
}
