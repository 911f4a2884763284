import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const repo = join(import.meta.dirname, '..', '..');

/** Playwright's workers register secrets; its reporter, another process, writes the records. */
test('a secret registered in one process is redacted in another through COCO_SECRETS_FILE', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'coco-redact-')), 'secrets');
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
  const file = join(mkdtempSync(join(tmpdir(), 'coco-redact-')), 'secrets');
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
