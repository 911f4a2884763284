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
  let status = 0;
  if (result.removed.length || result.remaining.length) {
    const by = result.earlierRun ? ` (left by run pid ${result.earlierRun})` : '';
    for (const line of describeLeftovers(result.removed)) console.log(`removed ${line}`);
    if (result.remaining.length) {
      console.error(`failed to clean up the local cluster${by}: still there: ${describeLeftovers(result.remaining).join('; ')}`);
      status = 1;
    } else console.log(`local cluster cleaned up${by}: ${result.removed.length} leftovers removed`);
  }
  if (kind.removed.length || kind.remaining.length) {
    const by = kind.earlierRun ? ` (left by run pid ${kind.earlierRun})` : '';
    for (const line of kind.removed) console.log(`removed ${line}`);
    if (kind.remaining.length) {
      console.error(`failed to clean up the kind cluster${by}: still there: ${kind.remaining.join('; ')}`);
      status = 1;
    } else console.log(`kind cluster cleaned up${by}: ${kind.removed.length} leftovers removed`);
  }
  return status;
}
