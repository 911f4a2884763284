import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../../lib/exec/run-command.ts';
import type { ClusterProvider, ProviderContext, ProvisionedCluster } from '../../../harness/providers/index.ts';
import type { ClusterSpec } from '../../../matrix/cell.ts';

/** TEST ONLY (selected with COCO_TEST_PROVIDER_MODULE): a provider whose create starts a real child process that
 *  would run for an hour, so a signal test can interrupt a run mid-provision and check that the child is gone and
 *  teardown ran. Every call is appended to $COCO_TEST_MARKER_DIR/events.log. */
export const SLOW_CHILD_SECONDS_ENV = 'COCO_TEST_SLOW_SECONDS';
export const SLOW_CHILD_TAG = 'coco-slow-child';
const SLOW_CHILD_SCRIPT =
  "require('fs').appendFileSync(process.argv[3], 'child-running\\n'); setTimeout(() => {}, Number(process.argv[2]) * 1000)";

function eventsLog(): string {
  const dir = process.env.COCO_TEST_MARKER_DIR;
  if (!dir) throw new Error('slow-provider needs COCO_TEST_MARKER_DIR');
  mkdirSync(dir, { recursive: true });
  return join(dir, 'events.log');
}

function mark(event: string): void {
  appendFileSync(eventsLog(), `${event}\n`);
}

const slowProvider: ClusterProvider = {
  distro: 'kind',
  async create(_spec: ClusterSpec, ctx: ProviderContext): Promise<ProvisionedCluster> {
    mark(`create-started ${ctx.clusterName}`);
    // The child marks itself running from inside the very process the test then looks for (its command line
    // carries SLOW_CHILD_TAG and the seconds), so the test knows when to send the signal and what must be gone.
    const seconds = process.env[SLOW_CHILD_SECONDS_ENV] ?? '3131';
    await runCommand([process.execPath, '-e', SLOW_CHILD_SCRIPT, SLOW_CHILD_TAG, seconds, eventsLog()], { signal: ctx.signal });
    mark('create-finished');
    return { name: ctx.clusterName ?? 'slow', kubeconfigPath: join(ctx.workDir, 'kubeconfig'), nodes: [], createdByHarness: true };
  },
  async destroy(cluster, ctx) {
    mark(`destroy ${cluster.name} aborted=${ctx.signal?.aborted ?? false}`);
  },
  kubeconfig: (cluster) => cluster.kubeconfigPath,
  async nodes() {
    return [{ name: 'slow-node', internalIp: '127.0.0.1', labels: {} }];
  },
  async loadImage() {},
  async collectLogs() {
    mark('collect');
  },
  async info() {
    return { distro: 'kind' };
  },
};

export default slowProvider;
