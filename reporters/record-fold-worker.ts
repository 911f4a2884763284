/**
 * The second thread of foldRecordFiles (fold-record-files.ts): reads, checks and folds the record files it is given
 * and sends back its fold and what reading each file gave. Started from the build only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { foldPart, type FoldPartInput, type FoldPartOutput } from './fold-record-files.ts';

let output: FoldPartOutput;
try {
  output = { part: foldPart(workerData as FoldPartInput) };
} catch (error) {
  output = { error: error instanceof Error ? error.stack ?? error.message : String(error) };
}
parentPort!.postMessage(output);
