import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResultRecord } from './result-record.ts';
import { describeProblems, looksLikeResultRecord, validateResultRecord } from './validate-result-record.ts';

export interface LoadedRecords {
  records: ResultRecord[];
  /** The file each record came from, index for index. */
  files: string[];
  /** One line per file that was skipped or needs a look; loading never throws for a bad record file. */
  warnings: string[];
}

/** Reads result records from files and folders (folders recursively, every *.json that is meant to be a record;
 *  other JSON, such as Playwright's or allure's, is passed over quietly). A truncated, unreadable or invalid
 *  record becomes a warning naming the file and is skipped, so one crashed runner never blocks a report. */
export function loadResultRecords(paths: readonly string[]): LoadedRecords {
  const loaded: LoadedRecords = { records: [], files: [], warnings: [] };
  const seen = new Set<string>();
  for (const path of paths) {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      loaded.warnings.push(`${path}: no such file or folder, skipped`);
      continue;
    }
    const files = stats.isDirectory() ? jsonFilesUnder(path) : [path];
    for (const file of files) {
      const absolute = resolve(file);
      if (seen.has(absolute)) continue; // the same file named twice (a folder and a file in it) counts once
      seen.add(absolute);
      loadOne(file, !stats.isDirectory(), loaded);
    }
  }
  return loaded;
}

function loadOne(file: string, named: boolean, loaded: LoadedRecords): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    loaded.warnings.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), skipped`);
    return;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const hint = text.trim().length === 0 ? 'empty file' : `not valid JSON, truncated? (${(error as Error).message})`;
    loaded.warnings.push(`${file}: ${hint}, skipped`);
    return;
  }
  if (!looksLikeResultRecord(document)) {
    if (named) loaded.warnings.push(`${file}: not a result record (no schemaVersion, runId and tests), skipped`);
    return;
  }
  const validation = validateResultRecord(document);
  if (!validation.ok) {
    loaded.warnings.push(`${file}: invalid result record: ${describeProblems(validation.problems)}; skipped`);
    return;
  }
  const record = validation.record;
  if (record.status === 'running') {
    loaded.warnings.push(`${file}: run ${record.runId} never finished (status running: crashed or still going); its ${record.tests.length} finished tests are used`);
  } else if (record.status === 'interrupted') {
    loaded.warnings.push(`${file}: run ${record.runId} was interrupted; its ${record.tests.length} finished tests are used`);
  }
  loaded.records.push(record);
  loaded.files.push(file);
}

function jsonFilesUnder(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...jsonFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}
