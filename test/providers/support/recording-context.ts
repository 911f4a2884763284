import type { ProviderContext } from '../../../harness/providers/index.ts';
import { pasteable } from '../../../lib/exec/command-error.ts';

/** A dry-run ProviderContext that keeps every recorded command as a pasteable line (files and waits as their
 *  first line), for asserting exact sequences. */
export function recordingContext(workDir = '/work/cell', clusterName = 'coco-test'): { ctx: ProviderContext; lines: string[] } {
  const lines: string[] = [];
  const ctx: ProviderContext = {
    workDir,
    dryRun: true,
    clusterName,
    log: () => {},
    record: (_step, entry) => lines.push(typeof entry === 'string' ? entry.split('\n')[0]! : pasteable(entry)),
  };
  return { ctx, lines };
}
