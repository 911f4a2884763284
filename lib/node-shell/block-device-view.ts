import type { NodeShell } from './node-shell.ts';

/** What the host can read of a block device it gave a guest: the first bytes, where a LUKS2 header would start (magic
 *  "LUKS\xba\xbe", version 2) and the JSON metadata after them (4 KiB on; it names the cipher and integrity, never the
 *  key), the ext4 superblock magic a plain filesystem would show (0xEF53 at 1080), and whether a text is anywhere on
 *  it in plain. */
export interface BlockDeviceView {
  /** The first 16 bytes, lowercase hex. */
  head: string;
  /** How many bytes of the first 64 KiB are not zero: none on a device nothing wrote (a filesystem's superblock, a
   *  LUKS2 header, dm-integrity's superblock or ciphertext all lie there). */
  nonZeroHead: number;
  /** The bytes at 1080..1081, lowercase hex ("53ef" on a plain ext4 filesystem). */
  ext4Magic: string;
  /** The 12 KiB after the first 4 KiB with NUL bytes dropped: a LUKS2 header's JSON area. */
  luksJson: string;
  /** Whether the needle is on the device in plain text. */
  holdsNeedle: boolean;
}

export interface ExpectedEncryption {
  /** Where the guest's confidential-data-hub keeps the LUKS2 header (guestProtection.trustedStorage.image.luksHeader). */
  luksHeader: 'on-device' | 'in-guest-memory';
  cipher: string;
  integrity?: string;
}

const LUKS2_HEAD = '4c554b53babe0002';
const EXT4_MAGIC = '53ef';

/** Reads the view of `path` (the device or its backing file) on the node. The plain-text search is grep's on the
 *  file itself: GNU grep skips a sparse file's holes (a 50 GB sparse file is searched in milliseconds) and treats the
 *  NULs of binary data as line ends, so neither the size nor the zeros cost time or memory. */
export async function viewBlockDevice(shell: NodeShell, path: string, needle: string): Promise<BlockDeviceView> {
  const script = [
    'f=$1; n=$2',
    'test -r "$f" || { echo "cannot read $f" >&2; exit 3; }',
    'printf "head:"; od -A n -t x1 -N 16 "$f" | tr -d " \\n"; echo',
    'printf "nonzero:"; head -c 65536 "$f" | tr -d "\\000" | wc -c',
    'printf "ext4:"; od -A n -t x1 -j 1080 -N 2 "$f" | tr -d " \\n"; echo',
    'printf "plaintext:"; if grep -q -F -e "$n" "$f"; then echo found; else echo none; fi',
    'printf "luks-json:"; dd if="$f" bs=4096 skip=1 count=3 2>/dev/null | tr -d "\\000\\n"; echo',
  ].join('\n');
  const result = await shell.run(['sh', '-c', script, 'sh', path, needle], 600_000);
  if (result.exitCode !== 0) throw new Error(`failed to read ${path} on the node: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  const field = (name: string): string => result.stdout.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1) ?? '';
  return { head: field('head'), nonZeroHead: Number(field('nonzero').trim()), ext4Magic: field('ext4'), luksJson: field('luks-json'), holdsNeedle: field('plaintext') === 'found' };
}

/** Why the view does not show a device the guest encrypted as `expected` says — empty when it does. The first reason
 *  is the device being untouched: nothing in a guest took it. */
export function encryptionProblems(view: BlockDeviceView, expected: ExpectedEncryption): string[] {
  if (view.nonZeroHead === 0) {
    return [`shows no sign of the guest's encryption: its first 64 KiB are zeros, as the node made it (expected ${describe(expected)})`];
  }
  const hasLuksHeader = view.head.startsWith(LUKS2_HEAD);
  const plainExt4 = view.ext4Magic === EXT4_MAGIC;
  if (expected.luksHeader === 'on-device') {
    if (!hasLuksHeader) {
      return [`shows no sign of the guest's encryption: no LUKS2 header (first bytes ${view.head}${plainExt4 ? ', a plain ext4 filesystem' : ''})`];
    }
    const problems: string[] = [];
    if (!view.luksJson.includes(`"encryption":"${expected.cipher}"`)) {
      problems.push(`the guest's LUKS2 header does not name cipher ${expected.cipher}: ${excerpt(view.luksJson, '"segments"')}`);
    }
    if (expected.integrity && !view.luksJson.includes(`"integrity":{"type":"${expected.integrity}"`)) {
      problems.push(`the guest's LUKS2 header names no ${expected.integrity} integrity: ${excerpt(view.luksJson, '"segments"')}`);
    }
    return problems;
  }
  if (hasLuksHeader) return ['holds a LUKS2 header, which this release keeps in the guest\'s memory (a detached header): the host can read the cipher and key slots'];
  if (plainExt4) return ['shows no sign of the guest\'s encryption: a plain ext4 filesystem (magic 0xEF53 at 1080)'];
  return [];
}

function describe(expected: ExpectedEncryption): string {
  return expected.luksHeader === 'on-device'
    ? `a LUKS2 header naming ${expected.cipher}${expected.integrity ? ` with ${expected.integrity} integrity` : ''}`
    : 'ciphertext without a LUKS header, which stays in the guest\'s memory';
}

function excerpt(text: string, from: string): string {
  const at = Math.max(0, text.indexOf(from));
  return JSON.stringify(text.slice(at, at + 300) || '(no JSON metadata)');
}
