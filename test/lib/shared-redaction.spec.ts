import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('shared-redaction');

const repo = join(import.meta.dirname, '..', '..');

/** Playwright's workers register secrets; its reporter, another process, writes the records. */
test('a secret registered in one process is redacted in another through COCO_SECRETS_FILE', () => {
  const file = scratch('secrets');
  const run = (code: string) => spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, COCO_SECRETS_FILE: file },
  });
  const writer = run(`import { registerSecret } from './lib/exec/redact.ts'; registerSecret('unsealed_secret_1a2b', 'kbs default/sealed-secret/test-1a2b'); registerSecret('line1\\nline2-secret');`);
  expect(writer.status, writer.stderr).toBe(0);
  const reader = run(`import { redact } from './lib/exec/redact.ts'; console.log(redact('got unsealed_secret_1a2b and line1\\nline2-secret and public'));`);
  expect(reader.status, reader.stderr).toBe(0);
  expect(reader.stdout.trim()).toBe('got [secret:kbs default/sealed-secret/test-1a2b] and [REDACTED] and public');
});

test('a secret that holds another (a PEM and its body) is replaced whole, whichever was registered first', () => {
  const body = 'MC4CAQAwBQYDK2VwBCIEIMzq3Pi8l1Ue6N2wFkzG0S7Nq1x5HcBzrTqYc2bRkWXj';
  const pem = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `import { registerSecret, redact } from './lib/exec/redact.ts';
     registerSecret(${JSON.stringify(body)}, 'key body'); registerSecret(${JSON.stringify(pem)}, 'admin key');
     console.log(JSON.stringify([redact('key: ' + ${JSON.stringify(pem)}), redact('body: ' + ${JSON.stringify(body)})]));`], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, COCO_SECRETS_FILE: '' },
  });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual(['key: [secret:admin key]', 'body: [secret:key body]']);
});

test('a line of the shared file still being written is read once it is whole, never half', () => {
  const file = scratch('secrets');
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const first = `${b64('[secret:first]')} ${b64('first-secret-value')}\n`;
  const late = `${b64('[secret:late]')} ${b64('late-secret-value-0123')}\n`;
  // Cut inside the value at a whole base64 quantum, so the half line alone looks like a (wrong) secret.
  const cut = late.indexOf(' ') + 1 + 8;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `import { appendFileSync } from 'node:fs';
     import { redact } from './lib/exec/redact.ts';
     appendFileSync(${JSON.stringify(file)}, ${JSON.stringify(first + late.slice(0, cut))});
     const before = redact('first-secret-value late-secret-value-0123');
     appendFileSync(${JSON.stringify(file)}, ${JSON.stringify(late.slice(cut))});
     console.log(JSON.stringify([before, redact('first-secret-value late-secret-value-0123')]));`], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, COCO_SECRETS_FILE: file },
  });
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual(['[secret:first] late-secret-value-0123', '[secret:first] [secret:late]']);
});

/** The redactor and the CI secret scan take a secret's forms from one place (lib/exec/secret-forms.ts): text holding
 *  a secret in the forms real outputs take — JSON-escaped, HTML-escaped, base64 and base64url inside a larger blob
 *  at each byte alignment — is found by the scan as written, and the scan finds nothing once the redactor has
 *  passed over it. The forms here are made with JSON.stringify and Buffer, not with the module under test. */
test('text the redactor has passed over holds no form of a secret the CI scan looks for', () => {
  const dir = scratch('redact-forms');
  mkdirSync(dir);
  const file = join(dir, 'secrets');
  // A quote, a backslash, '<' and '&' escape in JSON and HTML; eight '~' put a '+' and a '/' into the base64 at any
  // alignment, so base64url differs.
  const secret = 'pa"ss\\w<o>r&d~~~~~~~~-' + 'k3y9';
  const blob = (offset: number) => Buffer.concat([Buffer.alloc(offset, 0x41), Buffer.from(`{"auth":"${secret}"}`), Buffer.from('tail')]);
  const texts = [
    JSON.stringify({ password: secret }),
    `<td>${secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}</td>`,
    ...[0, 1, 2].map((offset) => `auth: ${blob(offset).toString('base64')}`),
    ...[0, 1, 2].map((offset) => `auth: ${blob(offset).toString('base64url')}`),
  ];
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `import { registerSecret, redact } from './lib/exec/redact.ts';
     registerSecret(${JSON.stringify(secret)}, 'forms');
     console.log(JSON.stringify(${JSON.stringify(texts)}.map(redact)));`], {
    cwd: repo, encoding: 'utf8', env: { ...process.env, COCO_SECRETS_FILE: file },
  });
  expect(run.status, run.stderr).toBe(0);
  const redacted = JSON.parse(run.stdout) as string[];
  for (const text of redacted) expect(text).toContain('[secret:forms]');

  const scan = (name: string, lines: string[]) => {
    const folder = join(dir, name);
    mkdirSync(folder);
    lines.forEach((line, index) => writeFileSync(join(folder, `${index}.txt`), line));
    return spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'scripts', 'ci', 'scan-secrets.ts'), '--secrets', file, folder],
      { cwd: dir, encoding: 'utf8' });
  };
  const written = scan('as-written', texts);
  expect(written.status, written.stderr).toBe(1);
  expect(written.stdout.split('\n').filter((line) => line.includes(' HIT '))).toHaveLength(texts.length);
  const passed = scan('redacted', redacted);
  expect(passed.stdout, passed.stderr).toContain(`${texts.length} files, 1 secrets, no hit`);
  expect(passed.status).toBe(0);
});
