import { runCommand } from '../../../lib/exec/run-command.ts';
import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from '../shared/step-command.ts';
import { NODE_LAYOUT } from './node-layout.ts';

const { nodeInterface, nodeAddress } = NODE_LAYOUT;

/** Gives the node its own address: a /32 on an interface the harness creates and removes. The interface is a
 *  bridge with no ports — it carries the address and nothing else (the dummy driver is missing from some kernels,
 *  the bridge driver is there wherever the pod network works). Returns the address. */
export async function createNodeAddress(ctx: ProviderContext): Promise<string> {
  if (!ctx.dryRun) {
    const holder = await interfaceHolding(nodeAddress);
    if (holder && holder !== nodeInterface) {
      throw new Error(`failed to create the node address ${nodeAddress}/32 on ${nodeInterface}: ${holder} already has it ` +
        `(ip -o addr); the local cluster needs an address nothing else on this machine uses`);
    }
    if (holder === nodeInterface) return nodeAddress;
  }
  await stepCommand(ctx, 'node address', ['ip', 'link', 'add', nodeInterface, 'type', 'bridge']);
  // No IPv6 link-local address: the interface carries our address only.
  await stepCommand(ctx, 'node address', ['ip', 'link', 'set', nodeInterface, 'addrgenmode', 'none']);
  await stepCommand(ctx, 'node address', ['ip', 'addr', 'add', `${nodeAddress}/32`, 'dev', nodeInterface]);
  await stepCommand(ctx, 'node address', ['ip', 'link', 'set', nodeInterface, 'up']);
  return nodeAddress;
}

export async function removeNodeAddress(ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'remove node address', ['ip', 'link', 'delete', nodeInterface], { nothrow: true });
}

/** The interface that has `address`, from `ip -o -4 addr` (a table read, nothing is sent). */
async function interfaceHolding(address: string): Promise<string | undefined> {
  const listing = await runCommand(['ip', '-o', '-4', 'addr', 'show'], { nothrow: true });
  for (const line of listing.stdout.split('\n')) {
    const match = line.match(/^\d+:\s+(\S+)\s+inet\s+([0-9.]+)\//);
    if (match?.[2] === address) return match[1];
  }
  return undefined;
}
