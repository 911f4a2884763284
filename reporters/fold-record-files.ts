import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RUNNING_FROM_BUILD } from '../matrix/source-root.ts';
import type { ReportProfile } from './compatibility-report.ts';
import { listRecordFiles, nothingRead, readListedFile, readRecordFiles, warningsInOrder, type ListedRecordFile, type RecordFilesRead } from './load-result-records.ts';
import { SharedFileRanges, type ReadingThread } from './shared-file-ranges.ts';
import { ReleaseRecords, type ReleaseRecordsState } from './release-records.ts';

/** Below this many record files one thread reads them all: starting a second one (its own modules, its own
 *  compiled record check) costs more than it saves. A year of nights of one runner is 365. */
const MIN_FILES_FOR_TWO_THREADS = 1_000;

/** Where the two threads' first ranges meet: the worker starts later (it loads its modules first), so the calling
 *  thread's is the larger; from there they share out what is left as each runs out (SharedFileRanges). */
const CALLER_SHARE = 0.55;

/** The worker's entry (record-fold-worker.ts), beside this module in the build. */
const WORKER = new URL('./record-fold-worker.js', import.meta.url);

/** What the worker starts with, what it is then given to read, and what it sends back. */
export interface FoldWorkerData {
  profile: ReportProfile;
}
export interface FoldWorkerFiles {
  files: ListedRecordFile[];
  /** SharedFileRanges.memory */
  ranges: SharedArrayBuffer;
}
export type FoldWorkerOutput = { share: FoldShare<ReleaseRecordsState> } | { error: string };

/** What one thread read: a fold for each run of consecutive files it read (by the index of its first file), and what
 *  each file it read gave. */
export interface FoldShare<Fold> {
  parts: { start: number; records: Fold }[];
  read: RecordFilesRead;
}

/** Reads, checks and folds the record files under `paths` as streamResultRecords would, one file at a time: into the
 *  records of the profile's release, with the warnings in the order one reader meets them. A year of nights from
 *  many runners is read on two threads where the machine has two cores (this thread and a worker share the files
 *  out as they go: SharedFileRanges; the folds of their runs of files are joined in file order: RecordFold.absorb);
 *  the report is the same either way. `threads`: 1 to read on this thread alone. Two threads need the build (the
 *  worker is compiled JavaScript); from the TypeScript source one thread reads. */
export async function foldRecordFiles(paths: readonly string[], profile: ReportProfile, threads?: 1 | 2): Promise<{ records: ReleaseRecords; warnings: string[] }> {
  const mayUseTwo = threads === 2 || (threads === undefined && RUNNING_FROM_BUILD && availableParallelism() >= 2);
  // The worker is started as soon as the list is long enough, so it loads its modules while the rest is listed.
  let worker: FoldWorker | undefined = threads === 2 ? new FoldWorker(profile) : undefined;
  try {
    const listing = listRecordFiles(paths, (listed) => {
      if (mayUseTwo && !worker && listed === MIN_FILES_FOR_TWO_THREADS) worker = new FoldWorker(profile);
    });
    const { files } = listing;
    if (!worker) {
      const records = new ReleaseRecords(profile);
      return { records, warnings: warningsInOrder(listing, readRecordFiles(files, records.add)) };
    }
    const ranges = SharedFileRanges.split(files.length, Math.round(files.length * CALLER_SHARE));
    const theirs = worker.fold({ files, ranges: ranges.memory });
    const mine = foldShare(profile, files, ranges, 0);
    const { records, read } = joinShares(profile, mine, await theirs);
    return { records, warnings: warningsInOrder(listing, read) };
  } finally {
    // Stopped in any case: at once after its answer, or when this thread failed first (it would wait for its files).
    void worker?.stop();
  }
}

/** One thread's reading (this one's or the worker's): the runs of files it claims from `ranges`, each folded apart. */
export function foldShare(profile: ReportProfile, files: readonly ListedRecordFile[], ranges: SharedFileRanges, thread: ReadingThread): FoldShare<ReleaseRecords> {
  const share: FoldShare<ReleaseRecords> = { parts: [], read: nothingRead(files.length) };
  let index = ranges.claim(thread);
  // This thread's range may be gone before it began: the other thread took it.
  if (index < 0) index = ranges.steal(thread);
  while (index >= 0) {
    // A run of files starts at the first of this thread's range or at the first of a range it stole.
    const part = { start: index, records: new ReleaseRecords(profile) };
    for (; index >= 0; index = ranges.claim(thread)) readListedFile(files, index, share.read, part.records.add);
    share.parts.push(part);
    index = ranges.steal(thread);
  }
  return share;
}

/** The two threads' reading as one: their folds joined in file order, and what each file gave. The folds are joined
 *  into the first when it is this thread's (it is: this thread starts at the first file, and a steal takes the back
 *  of a range), which spares copying the largest. */
export function joinShares(profile: ReportProfile, mine: FoldShare<ReleaseRecords>, theirs: FoldShare<ReleaseRecordsState>): { records: ReleaseRecords; read: RecordFilesRead } {
  const folds: (ReleaseRecords | ReleaseRecordsState)[] = [...mine.parts, ...theirs.parts].sort((a, b) => a.start - b.start).map((part) => part.records);
  const records = folds[0] instanceof ReleaseRecords ? (folds.shift() as ReleaseRecords) : new ReleaseRecords(profile);
  for (const fold of folds) records.absorb(fold instanceof ReleaseRecords ? fold.state() : fold);
  const { read } = mine;
  for (const [index, warning] of theirs.read.warnings) read.warnings.set(index, warning);
  for (let i = 0; i < read.records.length; i++) read.records[i] ||= theirs.read.records[i]!;
  return { records, read };
}

/** The second thread: started with the profile, it is given the files and their ranges once (fold) and answers once. */
class FoldWorker {
  private readonly worker: Worker;
  private readonly answer: Promise<FoldShare<ReleaseRecordsState>>;

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
        else resolve(output.share);
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

  fold(given: FoldWorkerFiles): Promise<FoldShare<ReleaseRecordsState>> {
    this.worker.postMessage(given);
    return this.answer;
  }
}
