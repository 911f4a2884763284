import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RUNNING_FROM_BUILD } from '../matrix/source-root.ts';
import type { ReportProfile } from './compatibility-report.ts';
import { listRecordFiles, readRecordFiles, warningsInOrder, type ListedRecordFile, type RecordFilesRead } from './load-result-records.ts';
import { ReleaseRecords, type ReleaseRecordsState } from './release-records.ts';

/** Below this many record files one thread reads them all: starting a second one (its own modules, its own
 *  compiled record check) costs more than it saves. A year of nights of one runner is 365. */
const MIN_FILES_FOR_TWO_THREADS = 1_000;

/** The share of the files the calling thread reads: the other thread starts later (it loads its modules first). */
const CALLER_SHARE = 0.55;

/** The worker's entry (record-fold-worker.ts), beside this module in the build. */
const WORKER = new URL('./record-fold-worker.js', import.meta.url);

/** What the worker starts with, and what it sends back for the files it is then given. */
export interface FoldWorkerData {
  profile: ReportProfile;
}
export interface FoldPart {
  records: ReleaseRecordsState;
  read: RecordFilesRead;
}
export type FoldWorkerOutput = { part: FoldPart } | { error: string };

/** Reads, checks and folds the record files under `paths` as streamResultRecords would, one file at a time: into the
 *  records of the profile's release, with the warnings in the order one reader meets them. A year of nights from
 *  many runners is read on two threads where the machine has two cores (the first files here, the rest by a worker,
 *  and the two folds joined: RecordFold.absorb); the report is the same either way. `threads`: 1 to read on this
 *  thread alone. Two threads need the build (the worker is compiled JavaScript); from the TypeScript source one
 *  thread reads. */
export async function foldRecordFiles(paths: readonly string[], profile: ReportProfile, threads?: 1 | 2): Promise<{ records: ReleaseRecords; warnings: string[] }> {
  const mayUseTwo = threads === 2 || (threads === undefined && RUNNING_FROM_BUILD && availableParallelism() >= 2);
  // The worker is started as soon as the list is long enough, so it loads its modules while the rest is listed.
  let worker: FoldWorker | undefined = threads === 2 ? new FoldWorker(profile) : undefined;
  try {
    const listing = listRecordFiles(paths, (listed) => {
      if (mayUseTwo && !worker && listed === MIN_FILES_FOR_TWO_THREADS) worker = new FoldWorker(profile);
    });
    const { files } = listing;
    const records = new ReleaseRecords(profile);
    if (!worker) return { records, warnings: warningsInOrder(listing, readRecordFiles(files, records.add)) };

    const cut = Math.round(files.length * CALLER_SHARE);
    const later = worker.fold(files.slice(cut));
    const read = readRecordFiles(files.slice(0, cut), records.add);
    const part = await later;
    records.absorb(part.records);
    for (const [index, warning] of part.read.warnings) read.warnings.set(cut + index, warning);
    // One push per file: a spread of a year of files from many runners would overflow the stack.
    for (const held of part.read.records) read.records.push(held);
    return { records, warnings: warningsInOrder(listing, read) };
  } finally {
    // Stopped in any case: at once after its answer, or when this thread failed first (it would wait for its files).
    void worker?.stop();
  }
}

/** What the worker does with its files: foldRecordFiles's reading, on its part. */
export function foldPart(profile: ReportProfile, files: readonly ListedRecordFile[]): FoldPart {
  const records = new ReleaseRecords(profile);
  const read = readRecordFiles(files, records.add);
  return { records: records.state(), read };
}

/** The second thread: started with the profile, it is given its files once (fold) and answers once. */
class FoldWorker {
  private readonly worker: Worker;
  private readonly answer: Promise<FoldPart>;

  constructor(profile: ReportProfile) {
    // No flags of this process's command line: the worker runs its own file (`node --input-type=module -e …` would
    // make it refuse to start).
    this.worker = new Worker(WORKER, { workerData: { profile } satisfies FoldWorkerData, execArgv: [] });
    this.answer = new Promise((resolve, reject) => {
      let answered = false;
      const fail = (why: string) => reject(new Error(`failed to read record files on a second thread: ${why}`));
      this.worker.once('message', (output: FoldWorkerOutput) => {
        answered = true;
        if ('error' in output) fail(output.error);
        else resolve(output.part);
      });
      this.worker.once('error', (error) => fail(error.message));
      this.worker.once('exit', (code) => {
        if (!answered) fail(`it exited with code ${code} before answering`);
      });
    });
    // A failure before fold() is asked for is kept for it, not reported as unhandled.
    this.answer.catch(() => undefined);
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }

  fold(files: ListedRecordFile[]): Promise<FoldPart> {
    this.worker.postMessage(files);
    return this.answer;
  }
}
