import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { buildTestImages, ensureSkopeo, providerKeyArgument, writeKeyProviderConfig } from '../../lib/images/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { scratchDirectory } from './scratch-directory.ts';
import { requireTool } from '../required-tool.ts';

const scratch = scratchDirectory('build-skopeo-test');

const SCRIPT = 'scripts/setup/build-skopeo.sh';

test('build-skopeo.sh is cached: a second run builds nothing and prints the binary path last', async () => {
  test.setTimeout(30 * 60_000);
  await ensureSkopeo(); // builds when nothing is cached yet
  const result = await runCommand(['bash', SCRIPT]);
  // Whether it built is what the script says, not how long it took.
  expect(result.stderr).not.toContain('building skopeo');
  const lastLine = result.stdout.trim().split('\n').pop()!;
  expect(lastLine).toMatch(/\/skopeo$/);
  expect(existsSync(lastLine)).toBe(true);
  expect(result.stderr).toContain('cached');
});

test('Debian skopeo cannot use a key provider, which is why the harness builds its own', async () => {
  requireTool('/usr/bin/skopeo', 'apt-get install skopeo');
  const work = join(scratch(), 'debian-skopeo');
  mkdirSync(work, { recursive: true });
  const images = await buildTestImages(join(scratch(), 'images'));
  const keyPath = join(work, 'key');
  writeFileSync(keyPath, randomBytes(32), { mode: 0o600 });
  const result = await runCommand(['/usr/bin/skopeo', '--insecure-policy', 'copy',
    '--encryption-key', providerKeyArgument(keyPath, 'kbs:///default/key/debian'),
    `oci-archive:${images.busybox.archive}`, `oci:${join(work, 'out')}:x`],
  { env: { OCICRYPT_KEYPROVIDER_CONFIG: writeKeyProviderConfig(work) }, nothrow: true });
  expect(result.exitCode).not.toBe(0);
  expect(result.stderr).toContain('Provided protocol not recognized');
});
