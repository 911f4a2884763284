/**
 * The second thread of foldRecordFiles (fold-record-files.ts): started with the release profile, it loads its modules
 * while the files are listed, then reads, checks and folds its share of the files it is sent (foldShare) and answers
 * with its folds and what reading each file gave; the caller stops it once it has the answer. Started from the build
 * only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { foldShare, type FoldWorkerData, type FoldWorkerFiles, type FoldWorkerOutput } from './fold-record-files.ts';
import { SharedFileRanges } from './shared-file-ranges.ts';

parentPort!.once('message', ({ files, ranges }: FoldWorkerFiles) => {
  let output: FoldWorkerOutput;
  try {
    const { parts, read } = foldShare((workerData as FoldWorkerData).profile, files, new SharedFileRanges(ranges), 1);
    output = { share: { parts: parts.map(({ start, records }) => ({ start, records: records.state() })), read } };
  } catch (error) {
    output = { error: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  parentPort!.postMessage(output);
});
