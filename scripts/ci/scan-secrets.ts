// Scans a run's output folders for the run's actual secret values, after the fact: redaction (lib/exec/redact.ts)
// guards what the harness writes; this proves what was written, whoever wrote it — a log a daemon wrote, an
// attachment, a config file copied into the results. It reads the secrets the run registered from the file that
// COCO_SECRETS_FILE named (one line per secret: `<base64 replacement> <base64 value>`), so it looks for the real
// values, not for patterns.
//
//   tsx scripts/ci/scan-secrets.ts --secrets FILE [--expect-label PREFIX…] FOLDER…
//
// --expect-label guards the scan itself: a secrets file without a secret so labelled means some process's
// registrations never reached it (a worker given another file, say), and a scan for the rest would pass too easily.
//
// Exit 0 with "secret scan: N files, M secrets, no hit"; exit 1 with one line per file and secret found (the
// secret's label and the forms it was found in, never the value); exit 2 for bad input.
import { createReadStream, existsSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { EXIT_BAD_INPUT, InputError } from '../../matrix/input-error.ts';
import { parseSecretsLine } from '../../lib/exec/redact.ts';

interface Secret {
  /** Line of the secrets file, so two secrets with the same label stay apart in a hit line. */
  line: number;
  label: string;
  value: Buffer;
}

/** One byte string to look for, and the secrets it is a form of (a registered base64 form of a password and the
 *  password's own base64 form are the same bytes). */
interface Needle {
  bytes: Buffer;
  owners: Array<{ secret: Secret; form: string }>;
}

/** Values shorter than this are not registered either (lib/exec/redact.ts): they would match ordinary text. */
const MIN_NEEDLE_BYTES = 6;
/** The matcher's table holds 256 transitions per state; past this many states it would not fit in memory. */
const MAX_MATCHER_STATES = 2_000_000;
const CHUNK_BYTES = 1 << 20;

function readSecretsFile(file: string): Secret[] {
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

/** Each distinct byte string once, with every secret and form it stands for. */
function needlesOfAll(secrets: Secret[]): Needle[] {
  const byBytes = new Map<string, Needle>();
  for (const secret of secrets) {
    for (const [form, bytes] of formsOf(secret)) {
      const key = bytes.toString('latin1');
      const needle = byBytes.get(key) ?? byBytes.set(key, { bytes, owners: [] }).get(key)!;
      if (!needle.owners.some((owner) => owner.secret === secret)) needle.owners.push({ secret, form });
    }
  }
  return [...byBytes.values()];
}

/** Every form a secret can take in a file: as is; escaped inside a JSON string or an HTML page; base64 and
 *  base64url encoded at each of the three byte alignments (so it is found inside a larger encoded blob, such as a
 *  docker config in a Kubernetes Secret); each base64 line of a multi-line value (a PEM body wrapped differently);
 *  and, for a value that is itself base64 (an image key), its decoded bytes (a key file written in binary). */
function formsOf(secret: Secret): Array<[string, Buffer]> {
  const text = secret.value.toString('utf8');
  const textForms: Array<[string, Buffer]> = [['as is', secret.value]];
  const json = JSON.stringify(text).slice(1, -1);
  if (json !== text) textForms.push(['JSON-escaped', Buffer.from(json)]);
  const html = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  if (html !== text) textForms.push(['HTML-escaped', Buffer.from(html)]);

  const forms: Array<[string, Buffer]> = [];
  for (const [form, bytes] of textForms) {
    forms.push([form, bytes]);
    for (const core of base64Cores(bytes)) {
      forms.push([form === 'as is' ? 'base64' : `base64 of ${form}`, Buffer.from(core)]);
      forms.push([form === 'as is' ? 'base64url' : `base64url of ${form}`, Buffer.from(toBase64Url(core))]);
    }
  }
  if (text.includes('\n')) {
    text.split('\n').forEach((line, index) => {
      if (/^[A-Za-z0-9+/=_-]{16,}$/.test(line.trim())) forms.push([`line ${index + 1} of it`, Buffer.from(line.trim())]);
    });
  }
  const decoded = decodedBase64(text);
  if (decoded) forms.push(['decoded from base64', decoded]);

  return forms.filter(([, bytes]) => bytes.length >= MIN_NEEDLE_BYTES);
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

/** Aho-Corasick over bytes: one pass over a stream finds every needle, however many, and the state carries from
 *  one chunk to the next, so a value split across two reads is still found. */
class NeedleMatcher {
  private readonly next: Int32Array;
  /** The needle ending at a state, -1 for none. */
  private readonly needleAt: Int32Array;
  /** The nearest shorter suffix state where a needle ends, -1 for none. */
  private readonly outputLink: Int32Array;
  private readonly emits: Uint8Array;

  constructor(readonly needles: Needle[]) {
    const capacity = needles.reduce((sum, n) => sum + n.bytes.length, 1);
    if (capacity > MAX_MATCHER_STATES) {
      throw new Error(`failed to build the secret matcher: the secrets add up to ${capacity} bytes of needles, expected at most ${MAX_MATCHER_STATES}`);
    }
    const next = new Int32Array(capacity * 256).fill(-1);
    const needleAt = new Int32Array(capacity).fill(-1);
    let states = 1;
    needles.forEach((needle, id) => {
      let state = 0;
      for (const byte of needle.bytes) {
        const slot = state * 256 + byte;
        if (next[slot] === -1) next[slot] = states++;
        state = next[slot]!;
      }
      needleAt[state] = id;
    });
    const fail = new Int32Array(states);
    const outputLink = new Int32Array(states).fill(-1);
    const queue: number[] = [];
    for (let byte = 0; byte < 256; byte++) {
      const child = next[byte]!;
      if (child === -1) next[byte] = 0;
      else queue.push(child);
    }
    // Breadth first: a state's failure state is shallower, so its row is already complete.
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const failure = fail[state]!;
      outputLink[state] = needleAt[failure] !== -1 ? failure : outputLink[failure]!;
      for (let byte = 0; byte < 256; byte++) {
        const slot = state * 256 + byte;
        const child = next[slot]!;
        if (child === -1) {
          next[slot] = next[failure * 256 + byte]!;
        } else {
          fail[child] = next[failure * 256 + byte]!;
          queue.push(child);
        }
      }
    }
    this.next = next;
    this.needleAt = needleAt;
    this.outputLink = outputLink;
    this.emits = new Uint8Array(states);
    for (let state = 0; state < states; state++) this.emits[state] = needleAt[state] !== -1 || outputLink[state] !== -1 ? 1 : 0;
  }

  /** Feeds one chunk from `state`; calls `found` with each needle id that ends in it. Returns the state after it. */
  feed(chunk: Buffer, state: number, found: (needle: number) => void): number {
    const { next, emits } = this;
    for (let i = 0; i < chunk.length; i++) {
      state = next[state * 256 + chunk[i]!]!;
      if (emits[state] === 1) {
        for (let s = this.needleAt[state] !== -1 ? state : this.outputLink[state]!; s !== -1; s = this.outputLink[s]!) found(this.needleAt[s]!);
      }
    }
    return state;
  }
}

interface ScanResult {
  files: number;
  /** `where: secret #line "label" (forms)`, one per file and secret. */
  hits: string[];
  /** Files or members that could not be read whole: they cannot be called clean. */
  unreadable: string[];
  /** Compressed members that could not be opened: their raw bytes were scanned, their contents were not. */
  notInspected: string[];
}

async function scanStream(stream: Readable, matcher: NeedleMatcher, found: Set<number>): Promise<void> {
  let state = 0;
  for await (const chunk of stream) state = matcher.feed(chunk as Buffer, state, (id) => found.add(id));
}

/** Gzip data and zip members are scanned decompressed as well as raw: a Playwright trace is a zip of deflated
 *  entries, and a value inside one does not appear in its raw bytes. One level deep (a zip inside a zip is only
 *  scanned raw). */
async function scanFile(file: string, matcher: NeedleMatcher, result: ScanResult): Promise<void> {
  const perPlace = new Map<string, Set<number>>();
  const foundIn = (place: string) => perPlace.get(place) ?? perPlace.set(place, new Set()).get(place)!;
  try {
    await scanStream(createReadStream(file, { highWaterMark: CHUNK_BYTES }), matcher, foundIn(file));
  } catch (error) {
    result.unreadable.push(`${file}: failed to read it: ${(error as Error).message}`);
    return;
  }
  const magic = await leadingBytes(file, 4);
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    try {
      await scanStream(decompressed(createReadStream(file, { highWaterMark: CHUNK_BYTES }), createGunzip()), matcher, foundIn(`${file} (gunzipped)`));
    } catch (error) {
      result.notInspected.push(`${file}: failed to gunzip it: ${(error as Error).message}`);
    }
  } else if (magic.readUInt32LE(0) === 0x04034b50) {
    for (const member of await zipMembers(file, result)) {
      try {
        const raw = createReadStream(file, { start: member.dataStart, end: member.dataStart + member.compressedSize - 1, highWaterMark: CHUNK_BYTES });
        await scanStream(decompressed(raw, createInflateRaw()), matcher, foundIn(`${file}!${member.name}`));
      } catch (error) {
        result.notInspected.push(`${file}!${member.name}: failed to inflate it: ${(error as Error).message}`);
      }
    }
  }
  for (const [place, ids] of perPlace) result.hits.push(...hitLines(place, ids, matcher.needles));
}

/** The decompressed side of a source; a read error of the source ends it with that error (pipe() would not). */
function decompressed(source: Readable, decompressor: Transform): Readable {
  pipeline(source, decompressor, () => {});
  return decompressor;
}

function hitLines(place: string, ids: Set<number>, needles: Needle[]): string[] {
  const formsBySecret = new Map<Secret, string[]>();
  for (const id of ids) {
    for (const { secret, form } of needles[id]!.owners) {
      const forms = formsBySecret.get(secret) ?? formsBySecret.set(secret, []).get(secret)!;
      if (!forms.includes(form)) forms.push(form);
    }
  }
  return [...formsBySecret]
    .sort(([a], [b]) => a.line - b.line)
    .map(([secret, forms]) => `${place}: secret #${secret.line} "${secret.label}" (${forms.join(', ')})`);
}

async function leadingBytes(file: string, count: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    await handle.read(buffer, 0, count, 0);
    return buffer;
  } finally {
    await handle.close();
  }
}

interface ZipMember {
  name: string;
  dataStart: number;
  compressedSize: number;
}

/** The deflated members of a zip, from its central directory (sizes there are right even when the local headers
 *  defer them to a data descriptor, as streaming writers do). Stored members need no second pass: their bytes
 *  are the file's. */
async function zipMembers(file: string, result: ScanResult): Promise<ZipMember[]> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    // The end-of-central-directory record is 22 bytes plus a comment of at most 65,535.
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let end = -1;
    for (let i = tailLength - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { end = i; break; }
    if (end === -1) {
      result.notInspected.push(`${file}: failed to read it as a zip: no end of central directory`);
      return [];
    }
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === 0xffffffff || directoryOffset + directorySize > size) {
      result.notInspected.push(`${file}: failed to read it as a zip: a zip64 or truncated central directory`);
      return [];
    }
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);
    const members: ZipMember[] = [];
    for (let at = 0; at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50;) {
      const flags = directory.readUInt16LE(at + 8);
      const method = directory.readUInt16LE(at + 10);
      const compressedSize = directory.readUInt32LE(at + 20);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const localHeader = directory.readUInt32LE(at + 42);
      const name = directory.subarray(at + 46, at + 46 + nameLength).toString('utf8');
      at += 46 + nameLength + extraLength + commentLength;
      if (method === 0 || compressedSize === 0) continue;
      if (method !== 8 || (flags & 1) === 1) {
        result.notInspected.push(`${file}!${name}: ${(flags & 1) === 1 ? 'encrypted' : `compression method ${method}`}, not inspected`);
        continue;
      }
      const local = Buffer.alloc(30);
      await handle.read(local, 0, 30, localHeader);
      members.push({ name, compressedSize, dataStart: localHeader + 30 + local.readUInt16LE(26) + local.readUInt16LE(28) });
    }
    return members;
  } finally {
    await handle.close();
  }
}

/** Regular files under a folder, depth first in name order. A symlink to a file is followed (an upload takes the
 *  file it points to); a symlink to a folder is not (it could lead out of the outputs, or round in a loop). */
async function* filesUnder(folder: string): AsyncGenerator<string> {
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
    else if (entry.isSymbolicLink()) {
      const target: Stats | undefined = await stat(path).catch(() => undefined);
      if (target?.isFile()) yield path;
    }
  }
}

async function scanFolders(folders: string[], secrets: Secret[]): Promise<ScanResult> {
  const matcher = new NeedleMatcher(needlesOfAll(secrets));
  const result: ScanResult = { files: 0, hits: [], unreadable: [], notInspected: [] };
  for (const folder of folders) {
    for await (const file of filesUnder(folder)) {
      result.files += 1;
      // Named as the folder was given, so a hit line reads like the command line that found it.
      await scanFile(file, matcher, result);
    }
  }
  return result;
}

interface ScanArguments {
  secretsFile: string;
  expectedLabels: string[];
  folders: string[];
}

function parseArguments(argv: string[]): ScanArguments {
  const folders: string[] = [];
  const expectedLabels: string[] = [];
  let secretsFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--secrets' || arg === '--expect-label') {
      const value = argv[++i];
      if (!value) throw new UsageError(`${arg} needs a value`);
      if (arg === '--secrets') secretsFile = value;
      else expectedLabels.push(value);
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else folders.push(arg);
  }
  if (!secretsFile) throw new UsageError('--secrets FILE is required (the file COCO_SECRETS_FILE named during the run)');
  if (folders.length === 0) throw new UsageError('name at least one output folder to scan');
  const secretsReal = existsSync(secretsFile) ? realpathSync(secretsFile) : resolve(secretsFile);
  for (const folder of folders) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
    // The secrets file inside a scanned folder would be found, and would be uploaded with the outputs.
    const folderReal = realpathSync(folder);
    if (secretsReal.startsWith(folderReal + sep)) throw new UsageError(`the secrets file ${secretsFile} lies inside ${folder}; keep it outside every output folder`);
  }
  return { secretsFile, expectedLabels, folders };
}

function checkExpectedLabels(file: string, secrets: Secret[], prefixes: string[]): void {
  for (const prefix of prefixes) {
    if (!secrets.some((secret) => secret.label.startsWith(prefix))) {
      throw new InputError(file, '(file)', `none of its ${secrets.length} secrets is labelled "${prefix}…": expected the run to register one`);
    }
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  try {
    const { secretsFile, expectedLabels, folders } = parseArguments(argv);
    const secrets = readSecretsFile(secretsFile);
    checkExpectedLabels(secretsFile, secrets, expectedLabels);
    const result = await scanFolders(folders, secrets);
    for (const line of result.notInspected) console.log(`secret scan: warning: ${line}`);
    for (const line of result.unreadable) console.log(`secret scan: ${line}`);
    for (const line of result.hits) console.log(`secret scan: HIT ${line}`);
    const failures = result.hits.length + result.unreadable.length;
    if (failures === 0) {
      console.log(`secret scan: ${result.files} files, ${secrets.length} secrets, no hit`);
      return 0;
    }
    console.log(`secret scan: ${result.files} files, ${secrets.length} secrets, ${result.hits.length} hits, ${result.unreadable.length} unreadable`);
    return 1;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`secret scan: ${error.message} (usage: tsx scripts/ci/scan-secrets.ts --secrets FILE [--expect-label PREFIX…] FOLDER…)`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof InputError) {
      console.error(`secret scan: ${error.message}`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
