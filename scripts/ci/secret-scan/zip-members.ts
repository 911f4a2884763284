import { open } from 'node:fs/promises';

export interface ZipMember {
  name: string;
  dataStart: number;
  compressedSize: number;
}

/** The deflated members of a zip, from its central directory (sizes there are right even when the local headers
 *  defer them to a data descriptor, as streaming writers do). Stored members need no second pass: their bytes
 *  are the file's. What cannot be opened (no central directory, zip64, an encrypted or otherwise compressed member)
 *  is added to `notInspected`, one line each. Written for the scan, not general: no zip64, no other method. Kept
 *  by hand rather than a zip library: the scan needs only where each deflated member starts and how long it is, then
 *  streams it through node's own raw inflate, and no zip library is among the project's dependencies. */
export async function zipMembers(file: string, notInspected: string[]): Promise<ZipMember[]> {
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
      notInspected.push(`${file}: failed to read it as a zip: no end of central directory`);
      return [];
    }
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (directoryOffset === 0xffffffff || directoryOffset + directorySize > size) {
      notInspected.push(`${file}: failed to read it as a zip: a zip64 or truncated central directory`);
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
        notInspected.push(`${file}!${name}: ${(flags & 1) === 1 ? 'encrypted' : `compression method ${method}`}, not inspected`);
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
