import { resolve } from 'node:path';
import { loadRelease, type Cell, type PlatformId } from '../../../matrix/index.ts';
import { planDryRun, writeDryRun } from '../../../fixtures/dry-run/index.ts';
import type { ImageSource } from '../../../fixtures/suite-environment.ts';

export interface RunDryRunOptions {
  release: string;
  platform: PlatformId;
  cell?: Cell;
  outDir: string;
  kbsUrl?: string;
  /** Optional: the images the run would use (default: the release profile's upstream images). */
  images?: ImageSource;
  /** Optional: the node pods would be pinned to. */
  nodeName?: string;
}

/** The suites' part of `coco-conformance run --dry-run`: without a cluster, writes per test every manifest the suite
 *  would apply and every KBS admin call it would make (token redacted), from the very plan functions the suites run. */
export async function runDryRun(options: RunDryRunOptions): Promise<{ files: string[] }> {
  const profile = loadRelease(options.release);
  const planned = await planDryRun({
    profile, platform: options.platform,
    ...(options.cell ? { cell: options.cell } : {}), ...(options.kbsUrl ? { kbsUrl: options.kbsUrl } : {}),
    ...(options.images ? { images: options.images } : {}), ...(options.nodeName ? { nodeName: options.nodeName } : {}),
  });
  return { files: writeDryRun(resolve(options.outDir), planned) };
}
