import { tmpdir } from 'node:os';
import { EXIT_CODES, parseArguments, type CommandSyntax } from '../arguments.ts';
import { cleanKindCluster, cleanLocalCluster, describeLeftovers, LocalClusterInUseError, type ProviderContext } from '../../providers/index.ts';

const CLEANUP_SYNTAX: CommandSyntax = {
  name: 'cleanup',
  flags: {},
  exitCodes: { 0: 'cleaned up, or nothing to remove', 1: 'something could not be removed (named on stderr)', 2: EXIT_CODES[2] },
  details: 'Removes everything a killed run left of the local kubeadm cluster (processes, containers, mounts, interfaces,\n' +
    'iptables chains, state) and of a kind cluster on the harness\'s own engine (node containers, network, engine,\n' +
    'state), found by their own markers.',
};

/** `cleanup`: the local cluster's leftovers after a run that could not tear down (SIGKILL, a crash, a power cut of
 *  the harness only). Says what it removed; running it again finds nothing. */
export async function cleanupCommand(argv: string[]): Promise<number> {
  parseArguments(argv, CLEANUP_SYNTAX);
  const ctx: ProviderContext = { workDir: tmpdir(), dryRun: false, record: () => {}, log: (line) => console.error(line) };
  let result;
  let kind;
  try {
    result = await cleanLocalCluster(ctx);
    kind = await cleanKindCluster(ctx);
  } catch (error) {
    if (!(error instanceof LocalClusterInUseError)) throw error;
    console.error(`failed to clean up the local cluster: ${error.message}`);
    return 1;
  }
  if (result.removed.length === 0 && result.remaining.length === 0 && kind.removed.length === 0 && kind.remaining.length === 0) {
    console.log('nothing to clean up: no local cluster of coco-conformance on this machine');
    return 0;
  }
  // Local cluster first, then kind: each says what it removed, and either one left standing fails the command.
  const statuses = [
    reportCleanup('local cluster', describeLeftovers(result.removed), describeLeftovers(result.remaining), result.removed.length, result.earlierRun),
    reportCleanup('kind cluster', kind.removed, kind.remaining, kind.removed.length, kind.earlierRun),
  ];
  return Math.max(...statuses);
}

/** What the cleanup of one cluster did, as lines for a person (`removed` and `remaining` already described), and its
 *  exit status: 1 when something is still there. Silent when there was nothing of that cluster. */
function reportCleanup(cluster: string, removed: readonly string[], remaining: readonly string[], removedCount: number, earlierRun?: number): number {
  if (removed.length === 0 && remaining.length === 0) return 0;
  const by = earlierRun ? ` (left by run pid ${earlierRun})` : '';
  for (const line of removed) console.log(`removed ${line}`);
  if (remaining.length) {
    console.error(`failed to clean up the ${cluster}${by}: still there: ${remaining.join('; ')}`);
    return 1;
  }
  console.log(`${cluster} cleaned up${by}: ${removedCount} leftovers removed`);
  return 0;
}
