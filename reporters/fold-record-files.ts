import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RUNNING_FROM_BUILD } from '../matrix/source-root.ts';
import type { ReportProfile } from './compatibility-report.ts';
import { listRecordFiles, readRecordFiles, warningsInOrder, type ListedRecordFile, type RecordFilesRead } from './load-result-records.ts';
import { ReleaseRecords, type ReleaseRecordsState } from './release-records.ts';

/** Below this many record files one thread reads them all: starting a second one (its own modules, its own
 *  compiled record check) costs more than it saves. A year of nights of one runner is 365. */
export const MIN_FILES_FOR_TWO_THREADS = 1_000;

/** The share of the files the calling thread reads: the other thread starts later (it loads its modules first). */
const CALLER_SHARE = 0.55;

/** The worker's entry (record-fold-worker.ts), beside this module in the build. */
const WORKER = new URL('./record-fold-worker.js', import.meta.url);

/** What the worker is given, and what it sends back. */
export interface FoldPartInput {
  files: ListedRecordFile[];
  profile: ReportProfile;
}
export type FoldPartOutput = { part: { records: ReleaseRecordsState; read: RecordFilesRead } } | { error: string };

/** Reads, checks and folds the record files under `paths` as streamResultRecords would, one file at a time: into the
 *  records of the profile's release, with the warnings in the order one reader meets them. A year of nights from
 *  many runners is read on two threads where the machine has two cores (the first files here, the rest by a worker,
 *  and the two folds joined: RecordFold.absorb); the report is the same either way. `threads`: 1 to read on this
 *  thread alone. Two threads need the build (the worker is compiled JavaScript); from the TypeScript source one
 *  thread reads. */
export async function foldRecordFiles(paths: readonly string[], profile: ReportProfile, threads?: 1 | 2): Promise<{ records: ReleaseRecords; warnings: string[] }> {
  const listing = listRecordFiles(paths);
  const { files } = listing;
  const two = threads === undefined
    ? RUNNING_FROM_BUILD && files.length >= MIN_FILES_FOR_TWO_THREADS && availableParallelism() >= 2
    : threads === 2;
  const records = new ReleaseRecords(profile);
  if (!two) return { records, warnings: warningsInOrder(listing, readRecordFiles(files, records.add)) };

  const cut = Math.round(files.length * CALLER_SHARE);
  const later = foldPartOnWorker({ files: files.slice(cut), profile });
  const read = readRecordFiles(files.slice(0, cut), records.add);
  const { part } = await later;
  records.absorb(part.records);
  for (const [index, warning] of part.read.warnings) read.warnings.set(cut + index, warning);
  read.records.push(...part.read.records);
  return { records, warnings: warningsInOrder(listing, read) };
}

/** What the worker does with its files: foldRecordFiles's reading, on its part. */
export function foldPart(input: FoldPartInput): { records: ReleaseRecordsState; read: RecordFilesRead } {
  const records = new ReleaseRecords(input.profile);
  const read = readRecordFiles(input.files, records.add);
  return { records: records.state(), read };
}

function foldPartOnWorker(input: FoldPartInput): Promise<{ part: { records: ReleaseRecordsState; read: RecordFilesRead } }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: input });
    let answered = false;
    worker.once('message', (output: FoldPartOutput) => {
      answered = true;
      if ('error' in output) reject(new Error(`failed to read record files on a second thread: ${output.error}`));
      else resolve(output);
    });
    worker.once('error', (error) => reject(new Error(`failed to read record files on a second thread: ${error.message}`)));
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`failed to read record files on a second thread: it exited with code ${code} before answering`));
    });
  });
}
