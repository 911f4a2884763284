import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../lib/exec/run-command.ts';
import { IMAGE_PLAINTEXT_NEEDLE } from '../../lib/manifests/index.ts';
import { createNodeShell, encryptionProblems, viewBlockDevice } from '../../lib/node-shell/index.ts';
import { requireTool } from '../required-tool.ts';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('block-device');

/** The host's view of the trusted image storage device, read by the node shell's script from devices that real tools
 *  wrote here: cryptsetup (an independent LUKS2 implementation, as the confidential-data-hub's luks-encrypt-storage
 *  script of guest-components v0.10.0–v0.17.0 calls it) and mkfs.ext4 (a guest that mounted the device unencrypted).
 *  dm-integrity cannot be formatted here (no device-mapper), so the integrity case is the refusal of a header without it. */
const CRYPTSETUP = '/usr/sbin/cryptsetup';
const shell = createNodeShell('local');
const ON_DEVICE = { luksHeader: 'on-device', cipher: 'aes-xts-plain64' } as const;
const IN_GUEST = { luksHeader: 'in-guest-memory', cipher: 'aes-xts-plain' } as const;

let dir: string;
// A folder of its own for each test: they reuse file names (the key, the images).
test.beforeEach(() => {
  dir = scratch('device');
  mkdirSync(dir);
});

/** A sparse file as the node setup makes it (dd seek), never touched: what runc leaves. */
function untouched(name: string, megabytes = 64): string {
  const file = join(dir, name);
  writeFileSync(file, '');
  truncateSync(file, megabytes * 1024 * 1024);
  return file;
}

async function luksFormat(file: string, header?: string): Promise<void> {
  writeFileSync(join(dir, 'key'), 'a passphrase the test throws away');
  const result = await runCommand([CRYPTSETUP, '--batch-mode', 'luksFormat', '--type', 'luks2', ...(header ? ['--header', header] : []),
    '--sector-size', '4096', '--cipher', 'aes-xts-plain64', '--pbkdf', 'pbkdf2', '--pbkdf-force-iterations', '1000', file, join(dir, 'key')], { nothrow: true });
  expect(result.exitCode, result.stderr).toBe(0);
}

test('an untouched device (runc hands the loop device to the container) shows no sign of the guest\'s encryption, either way', async () => {
  const view = await viewBlockDevice(shell, untouched('runc.img'), IMAGE_PLAINTEXT_NEEDLE);
  expect(view).toMatchObject({ head: '00'.repeat(16), nonZeroHead: 0, holdsNeedle: false });
  expect(encryptionProblems(view, ON_DEVICE)[0]).toMatch(/^shows no sign of the guest's encryption: its first 64 KiB are zeros/);
  expect(encryptionProblems(view, IN_GUEST)[0]).toMatch(/^shows no sign of the guest's encryption/);
});

test('a LUKS2 header cryptsetup wrote on the device: accepted where the release keeps it there, cipher read from its JSON', async () => {
  requireTool(CRYPTSETUP, 'apt-get install cryptsetup-bin');
  const file = untouched('luks.img');
  await luksFormat(file);
  const view = await viewBlockDevice(shell, file, IMAGE_PLAINTEXT_NEEDLE);
  expect(view.head.startsWith('4c554b53babe0002')).toBe(true);
  expect(encryptionProblems(view, ON_DEVICE)).toEqual([]);
  // The header names aes-xts-plain64: a release whose guest formats aes-xts-plain, or asks for dm-integrity, is not met.
  expect(encryptionProblems(view, { ...ON_DEVICE, cipher: 'aes-xts-plain' })[0]).toMatch(/does not name cipher aes-xts-plain:/);
  expect(encryptionProblems(view, { ...ON_DEVICE, integrity: 'hmac(sha256)' })[0]).toMatch(/names no hmac\(sha256\) integrity/);
  // Where the release keeps the header in the guest's memory, a header on the device is a finding.
  expect(encryptionProblems(view, IN_GUEST)[0]).toMatch(/holds a LUKS2 header, which this release keeps in the guest's memory/);
});

test('a detached header (cryptsetup --header) leaves no LUKS header on the device', async () => {
  requireTool(CRYPTSETUP, 'apt-get install cryptsetup-bin');
  const device = untouched('data.img');
  const header = untouched('header.img', 16);
  await luksFormat(device, header);
  const view = await viewBlockDevice(shell, device, IMAGE_PLAINTEXT_NEEDLE);
  expect(view.head.startsWith('4c554b53')).toBe(false);
  // Without dm-crypt nothing writes ciphertext here, so the device is still zeros: no sign of the guest's work.
  expect(encryptionProblems(view, IN_GUEST)[0]).toMatch(/^shows no sign of the guest's encryption/);
  expect((await viewBlockDevice(shell, header, IMAGE_PLAINTEXT_NEEDLE)).head.startsWith('4c554b53babe0002')).toBe(true);
});

test('a guest that mounted the device plain: ext4 is seen, and the image\'s busybox is found in plain text', async () => {
  const rootfs = join(dir, 'image-store', 'layers', 'sha256-test', 'bin');
  mkdirSync(rootfs, { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'busybox'));
  const file = untouched('plain.img');
  const mkfs = await runCommand(['mkfs.ext4', '-q', '-F', '-d', join(dir, 'image-store'), file], { nothrow: true });
  expect(mkfs.exitCode, mkfs.stderr).toBe(0);
  const view = await viewBlockDevice(shell, file, IMAGE_PLAINTEXT_NEEDLE);
  expect(view.ext4Magic).toBe('53ef');
  expect(view.holdsNeedle).toBe(true);
  expect(encryptionProblems(view, IN_GUEST)).toEqual(['shows no sign of the guest\'s encryption: a plain ext4 filesystem (magic 0xEF53 at 1080)']);
  expect(encryptionProblems(view, ON_DEVICE)[0]).toMatch(/no LUKS2 header \(first bytes [0-9a-f]{32}, a plain ext4 filesystem\)/);
});

test('a device the node cannot read is an error naming it', async () => {
  await expect(viewBlockDevice(shell, join(dir, 'missing.img'), IMAGE_PLAINTEXT_NEEDLE)).rejects.toThrow(/failed to read .*missing\.img on the node: cannot read/);
});
