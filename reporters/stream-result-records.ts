import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResultRecord } from './result-record.ts';
import { readResultRecordFile } from './load-result-records.ts';

/** Hands each result record under `paths` to `visit`, one file at a time, and keeps none: a year of nights from
 *  many runners is read in the memory of one record. Paths as loadResultRecords takes them (folders recursively, in
 *  name order, every *.json meant to be a record; a file named twice read once), each file read and checked by
 *  readResultRecordFile, so the warnings are the same. Returns the warnings. */
export function streamResultRecords(paths: readonly string[], visit: (record: ResultRecord, file: string) => void): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      warnings.push(`${path}: no such file or folder, skipped`);
      continue;
    }
    for (const file of isFolder ? jsonFilesUnder(path, warnings) : [path]) {
      const absolute = resolve(file);
      if (seen.has(absolute)) continue; // the same file named twice (a folder and a file in it) counts once
      seen.add(absolute);
      const read = readResultRecordFile(file, !isFolder);
      if (read.warning) warnings.push(read.warning);
      if (read.record) visit(read.record, file);
    }
  }
  return warnings;
}

/** Every *.json under a folder, in name order, one folder listing at a time. */
function* jsonFilesUnder(folder: string, warnings: string[]): Generator<string> {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    warnings.push(`${folder}: cannot be listed (${(error as NodeJS.ErrnoException).code ?? String(error)}), skipped`);
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* jsonFilesUnder(path, warnings);
    else if (entry.isFile() && entry.name.endsWith('.json')) yield path;
  }
}
