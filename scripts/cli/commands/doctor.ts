import { readBundleCache } from '../../doctor/bundle-cache.ts';
import { readClusterReach } from '../../doctor/cluster-reach.ts';
import { readTeeSupport } from '../../doctor/tee-support.ts';
import { readToolVersions } from '../../doctor/tool-versions.ts';
import { parseArguments } from '../arguments.ts';

/** `doctor`: what this runner has and lacks — host TEE switches, tools, the offline bundle, a reachable cluster.
 *  Informational: always exit 0, plain lines fit for a CI log. */
export async function doctorCommand(argv: string[]): Promise<number> {
  if (parseArguments(argv, {}, { positionals: false }).help) {
    console.log('usage: coco-conformance doctor');
    return 0;
  }
  const [tools, cluster] = await Promise.all([readToolVersions(), readClusterReach()]);
  const lines: string[] = ['host TEE support'];
  for (const tee of readTeeSupport()) {
    lines.push(`  ${tee.tee.padEnd(8)} ${(tee.enabled ? 'yes' : 'no').padEnd(4)} ${tee.file}: ${tee.evidence}`);
  }
  lines.push('', 'tools');
  for (const tool of tools) lines.push(`  ${tool.tool.padEnd(11)} ${tool.version}`);
  const bundle = readBundleCache();
  lines.push('', 'offline bundle');
  lines.push(
    bundle.present
      ? `  ${bundle.expected}: ${bundle.binaries.length} binaries (${bundle.binaries.join(', ')}), ${bundle.images} image archives`
      : `  ${bundle.expected}: absent (build it with scripts/bundle/build.sh)`,
  );
  lines.push('', 'cluster');
  lines.push(`  ${cluster.kubeconfig ? `${cluster.kubeconfig}: ` : ''}${cluster.detail}`);
  console.log(lines.join('\n'));
  return 0;
}
