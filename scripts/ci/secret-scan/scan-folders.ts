import { createReadStream, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { NeedleMatcher, needlesOfAll, type Needle } from './needle-matcher.ts';
import type { Secret } from './secrets-file.ts';
import { zipMembers } from './zip-members.ts';

const CHUNK_BYTES = 1 << 20;

export interface ScanResult {
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
    for (const member of await zipMembers(file, result.notInspected)) {
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

export async function scanFolders(folders: string[], secrets: Secret[]): Promise<ScanResult> {
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
