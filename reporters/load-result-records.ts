import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { escapeControls, InputError } from '../matrix/input-error.ts';
import { readTextFile } from '../matrix/text-file.ts';
import { findJsonSyntaxError, jsonValueOffset, lineColumnAt } from './json-positions.ts';
import type { ResultRecord } from './result-record.ts';
import { describeProblems, looksLikeResultRecord, validateResultRecord } from './validate-result-record.ts';

export interface LoadedRecords {
  records: ResultRecord[];
  /** The file each record came from, index for index. */
  files: string[];
  /** One line per file that was skipped or needs a look; loading never throws for a bad record file. */
  warnings: string[];
}

/** A record file is one cell run: tens of kilobytes. The limit keeps a stray dump from filling the memory. */
export const MAX_RECORD_FILE_BYTES = 16 * 1024 * 1024;

/** Reads result records from files and folders (folders recursively, every *.json that is meant to be a record;
 *  other JSON, such as Playwright's or allure's, is passed over quietly). A truncated, unreadable or invalid
 *  record becomes a warning naming the file and is skipped, so one crashed runner never blocks a report. Holds every
 *  record: for a year of nights use streamResultRecords. */
export function loadResultRecords(paths: readonly string[]): LoadedRecords {
  const records: ResultRecord[] = [];
  const files: string[] = [];
  const warnings = streamResultRecords(paths, (record, file) => {
    records.push(record);
    files.push(file);
  });
  return { records, files, warnings };
}

/** Hands each result record under `paths` to `visit`, one file at a time, and keeps none: a year of nights from many
 *  runners is read in the memory of one record. Folders are read recursively in name order; a file named twice (a
 *  folder and a file in it) is read once. Returns the warnings, one line each. */
export function streamResultRecords(paths: readonly string[], visit: (record: ResultRecord, file: string) => void): string[] {
  const listing = listRecordFiles(paths);
  return warningsInOrder(listing, readRecordFiles(listing.files, visit));
}

/** The record files under some paths, in the order they are read, and what listing them found wrong. */
export interface RecordFileListing {
  files: ListedRecordFile[];
  /** Each path as given, and where in `files` its files end. */
  paths: { path: string; isFolder: boolean; filesEnd: number }[];
  /** Warnings of the listing itself (a path that does not exist, a folder that cannot be listed), each with its path
   *  (an index into `paths`) and the number of files listed before it, so it keeps its place among the files' own. */
  listingWarnings: { path: number; beforeFile: number; warning: string }[];
}

export interface ListedRecordFile {
  file: string;
  /** The user named the file itself (not a folder holding it): JSON that is not a record is worth a warning. */
  named: boolean;
}

/** What reading some listed files gave, file by file: a warning for the file (or none), and whether it held a record. */
export interface RecordFilesRead {
  /** By index into the files read. */
  warnings: Map<number, string>;
  records: boolean[];
}

/** Lists the files streamResultRecords reads, without reading them: a list can be read in parts (on two threads) and
 *  the parts' warnings put back in order (warningsInOrder). `listed` is told the count after each file. */
export function listRecordFiles(paths: readonly string[], listed?: (count: number) => void): RecordFileListing {
  const listing: RecordFileListing = { files: [], paths: [], listingWarnings: [] };
  const seen = new Set<string>();
  const warn = (warning: string) => listing.listingWarnings.push({ path: listing.paths.length, beforeFile: listing.files.length, warning });
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      warn(`${path}: no such file or folder; skipped`);
      listing.paths.push({ path, isFolder: false, filesEnd: listing.files.length });
      continue;
    }
    const files = isFolder ? jsonFilesUnder(path, resolve(path), warn) : [{ file: path, absolute: resolve(path) }];
    for (const { file, absolute } of files) {
      if (seen.has(absolute)) continue;
      seen.add(absolute);
      const count = listing.files.push({ file, named: !isFolder });
      listed?.(count);
    }
    listing.paths.push({ path, isFolder, filesEnd: listing.files.length });
  }
  return listing;
}

/** Reads and checks listed files in order, handing each record to `visit`. */
export function readRecordFiles(files: readonly ListedRecordFile[], visit: (record: ResultRecord, file: string) => void): RecordFilesRead {
  const read: RecordFilesRead = { warnings: new Map(), records: new Array(files.length).fill(false) };
  for (let i = 0; i < files.length; i++) {
    const { file, named } = files[i]!;
    const result = readResultRecordFile(file, named);
    if (result.warning) read.warnings.set(i, result.warning);
    if (result.record) {
      read.records[i] = true;
      visit(result.record, file);
    }
  }
  return read;
}

/** The warnings of a listing and of reading its files, in the order one reader of every file in turn meets them; a
 *  folder whose JSON held no record and gave no warning says so, rather than look empty. */
export function warningsInOrder(listing: RecordFileListing, read: RecordFilesRead): string[] {
  const warnings: string[] = [];
  let listed = 0;
  let pathStart = 0;
  listing.paths.forEach(({ path, isFolder, filesEnd }, pathIndex) => {
    const warned = warnings.length;
    let found = 0;
    for (let file = pathStart; ; file++) {
      for (; listed < listing.listingWarnings.length; listed++) {
        const next = listing.listingWarnings[listed]!;
        if (next.path !== pathIndex || next.beforeFile !== file) break;
        warnings.push(next.warning);
      }
      if (file === filesEnd) break;
      const warning = read.warnings.get(file);
      if (warning) warnings.push(warning);
      if (read.records[file]) found++;
    }
    // JSON in a folder that is not a record is passed over quietly (reports, summaries); a folder of nothing else
    // says so, rather than look empty.
    const examined = filesEnd - pathStart;
    if (isFolder && examined > 0 && found === 0 && warnings.length === warned) {
      warnings.push(`${path}: ${examined} *.json file${examined === 1 ? '' : 's'}, none a result record (no schemaVersion, runId and tests); skipped`);
    }
    pathStart = filesEnd;
  });
  return warnings;
}

/** What reading one record file gave: the record (possibly with a warning, e.g. a run that never finished), or
 *  only a warning (the file is skipped), or neither (JSON in a folder that is not meant to be a record). */
export interface RecordFileResult {
  record?: ResultRecord;
  warning?: string;
}

/** Reads and checks one record file. `named`: the user named the file itself (not a folder holding it), so JSON that
 *  is not a record is worth a warning. Every warning is one line, `file:line:col: what is wrong; skipped`, and never
 *  quotes the file's text. */
export function readResultRecordFile(file: string, named: boolean): RecordFileResult {
  const result = judgeRecordFile(file, named);
  return result.warning === undefined ? result : { ...result, warning: oneLine(result.warning) };
}

function judgeRecordFile(file: string, named: boolean): RecordFileResult {
  const skipped = (problem: string, text?: string, offset?: number) => {
    const at = text !== undefined && offset !== undefined ? lineColumnAt(text, offset) : undefined;
    return { warning: `${at ? `${file}:${at.line}:${at.column}` : file}: ${problem}; skipped` };
  };
  let text: string;
  try {
    text = readTextFile(file, file, { format: 'JSON', maxBytes: MAX_RECORD_FILE_BYTES });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const where = error.line !== undefined ? `${file}:${error.line}:${error.column ?? 1}` : file;
    return { warning: `${where}: ${error.problem}; skipped` };
  }
  if (text.trim().length === 0) return skipped('empty file');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    const syntax = findJsonSyntaxError(text);
    return syntax ? skipped(`not valid JSON: ${syntax.problem}`, text, syntax.offset) : skipped('not valid JSON');
  }
  if (!looksLikeResultRecord(document)) {
    return named ? skipped('not a result record (no schemaVersion, runId and tests)', text, jsonValueOffset(text, '(document)')) : {};
  }
  const validation = validateResultRecord(document);
  if (!validation.ok) {
    const first = validation.problems[0]!;
    return skipped(`invalid result record: ${describeProblems(validation.problems)}`, text, jsonValueOffset(text, first.path));
  }
  const record = validation.record;
  if (record.status === 'running') {
    return { record, warning: `${file}: run ${record.runId} never finished (status running: crashed or still going); its ${record.tests.length} finished tests are used` };
  }
  if (record.status === 'interrupted') {
    return { record, warning: `${file}: run ${record.runId} was interrupted; its ${record.tests.length} finished tests are used` };
  }
  return { record };
}

/** Every *.json under a folder, in name order, one folder listing at a time: each as the path to show (under
 *  `folder` as given) and its absolute path (under `absolute`, the folder resolved), which tells a file named twice.
 *  The absolute path is the resolved folder and the name joined as they are: a name holds no separator, and a
 *  resolved path is normal already (resolving or joining each of a year of files cost a few per cent of parsing
 *  them). */
function* jsonFilesUnder(folder: string, absolute: string, warn: (warning: string) => void): Generator<{ file: string; absolute: string }> {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    warn(`${folder}: cannot be listed (${(error as NodeJS.ErrnoException).code ?? String(error)}); skipped`);
    return;
  }
  const under = absolute.endsWith(sep) ? absolute : `${absolute}${sep}`;
  // join(folder, name) is the same prefix for every name (a name holds no separator): joined once, not per file.
  const shown = join(folder, '_').slice(0, -1);
  for (const entry of entries) {
    const path = shown + entry.name;
    if (entry.isDirectory()) yield* jsonFilesUnder(path, under + entry.name, warn);
    else if (entry.isFile() && entry.name.endsWith('.json')) yield { file: path, absolute: under + entry.name };
  }
}

/** A warning quotes what a file holds (a run id, an unknown field's name): control characters are escaped and a very
 *  long warning cut, so each stays one readable line. */
function oneLine(warning: string): string {
  const escaped = escapeControls(warning);
  return escaped.length > 2_000 ? `${escaped.slice(0, 2_000)}…` : escaped;
}
