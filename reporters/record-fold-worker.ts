/**
 * The second thread of foldRecordFiles (fold-record-files.ts): started with the release profile, it loads its modules
 * while the files are listed, then reads, checks and folds the files it is sent and answers with its fold and what
 * reading each file gave; the caller stops it once it has the answer. Started from the build only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { foldPart, type FoldWorkerData, type FoldWorkerOutput } from './fold-record-files.ts';
import type { ListedRecordFile } from './load-result-records.ts';

parentPort!.once('message', (files: ListedRecordFile[]) => {
  let output: FoldWorkerOutput;
  try {
    output = { part: foldPart((workerData as FoldWorkerData).profile, files) };
  } catch (error) {
    output = { error: error instanceof Error ? error.stack ?? error.message : String(error) };
  }
  parentPort!.postMessage(output);
});
