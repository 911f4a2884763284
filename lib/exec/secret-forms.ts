/** The encodings of a secret: every form a registered value can take in text the harness or anything else writes.
 *  The redactor (redact.ts) replaces each textual form wherever the harness writes; the CI secret scan
 *  (scripts/ci/scan-secrets.ts) looks for every form in what a run left behind. Both take the forms from here, so
 *  what is redacted and what is looked for cannot drift apart. */

/** Shorter values are neither registered nor looked for: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 6;

export interface SecretForm {
  /** How the form was made, for a scan's hit line: "as is", "JSON-escaped", "base64 of HTML-escaped", … */
  form: string;
  bytes: Buffer;
  /** False for the decoded bytes of a base64 value (a key file written in binary): no text holds them. */
  text: boolean;
}

/** Every form a secret can take in a file: as is; escaped inside a JSON string or an HTML page; base64 and
 *  base64url encoded at each of the three byte alignments (so it is found inside a larger encoded blob, such as a
 *  docker config in a Kubernetes Secret); each base64 line of a multi-line value (a PEM body wrapped differently);
 *  and, for a value that is itself base64 (an image key), its decoded bytes (a key file written in binary). Forms
 *  shorter than MIN_SECRET_LENGTH bytes are left out. */
export function secretForms(value: Buffer): SecretForm[] {
  const text = value.toString('utf8');
  const textForms: Array<[string, Buffer]> = [['as is', value]];
  const json = JSON.stringify(text).slice(1, -1);
  if (json !== text) textForms.push(['JSON-escaped', Buffer.from(json)]);
  const html = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  if (html !== text) textForms.push(['HTML-escaped', Buffer.from(html)]);

  const forms: SecretForm[] = [];
  const add = (form: string, bytes: Buffer, isText = true) => forms.push({ form, bytes, text: isText });
  for (const [form, bytes] of textForms) {
    add(form, bytes);
    for (const core of base64Cores(bytes)) {
      add(form === 'as is' ? 'base64' : `base64 of ${form}`, Buffer.from(core));
      add(form === 'as is' ? 'base64url' : `base64url of ${form}`, Buffer.from(toBase64Url(core)));
    }
  }
  if (text.includes('\n')) {
    text.split('\n').forEach((line, index) => {
      if (/^[A-Za-z0-9+/=_-]{16,}$/.test(line.trim())) add(`line ${index + 1} of it`, Buffer.from(line.trim()));
    });
  }
  const decoded = decodedBase64(text);
  if (decoded) add('decoded from base64', decoded, false);

  return forms.filter(({ bytes }) => bytes.length >= MIN_SECRET_LENGTH);
}

/** The base64 characters that depend on the value's bytes alone, for the value starting at byte offset 0, 1 or 2
 *  of a 3-byte group: whatever surrounds the value in the encoded data, one of these three appears verbatim. */
function base64Cores(value: Buffer): string[] {
  const cores: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), value]).toString('base64');
    const first = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * (shift + value.length)) / 6);
    cores.push(encoded.slice(first, end));
  }
  return cores;
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

function decodedBase64(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (trimmed.length < 8 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const decoded = Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64');
  // Only a canonical encoding (one that encodes back to itself), so the bytes looked for are exactly what was
  // encoded. A password that merely fits the alphabet decodes to random bytes: no file holds them by chance.
  const again = /[-_]/.test(trimmed) ? decoded.toString('base64url') : decoded.toString('base64');
  return again.replace(/=+$/, '') === trimmed.replace(/=+$/, '') ? decoded : undefined;
}
