import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EnvironmentFacts } from '../../reporters/index.ts';
import { captureClusterFacts, type ClusterFactsInput } from './cluster-facts.ts';
import { captureHostFacts } from './host-facts.ts';
import { captureToolVersions } from './tool-versions.ts';

export interface CaptureInput {
  cluster?: ClusterFactsInput;
  distro?: string;
  /** Images the harness knows it deployed (e.g. the KBS), merged over what the pods show. */
  extraImages?: Record<string, string>;
}

/** Every fact is best effort: a fact that cannot be read is absent (and why goes to captureErrors), never a
 *  reason to fail the run — the record says what it could not know. */
export async function captureEnvironment(input: CaptureInput): Promise<EnvironmentFacts> {
  const captureErrors: string[] = [];
  const attempt = async (what: string, capture: () => Promise<EnvironmentFacts>): Promise<EnvironmentFacts> => {
    try {
      return await capture();
    } catch (error) {
      captureErrors.push(`${what}: ${(error as Error).message}`);
      return {};
    }
  };
  const host = await attempt('host', captureHostFacts);
  const tools = await attempt('tools', captureToolVersions);
  const cluster = input.cluster ? await attempt('cluster', () => captureClusterFacts(input.cluster!)) : {};
  const componentImages = { ...(cluster.componentImages as Record<string, string> | undefined), ...input.extraImages };
  return {
    ...host,
    ...tools,
    ...cluster,
    kubernetesDistro: input.distro,
    componentImages,
    ...(captureErrors.length ? { captureErrors } : {}),
  };
}

export async function writeEnvironmentFile(file: string, facts: EnvironmentFacts): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(facts, null, 2)}\n`);
}
