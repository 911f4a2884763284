import { expect, test } from '@playwright/test';
import { scratch } from '../pipeline/support/scratch-dir.ts';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../lib/exec/run-command.ts';
import { ExistingProvider } from '../../harness/providers/existing/provider.ts';
import type { ProviderContext } from '../../harness/providers/index.ts';

const kubeconfig = process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');

async function reachable(): Promise<string | undefined> {
  if (!existsSync(kubeconfig)) return `no kubeconfig at ${kubeconfig}`;
  const probe = await runCommand(['kubectl', '--kubeconfig', kubeconfig, '--request-timeout=5s', 'get', '--raw', '/readyz'], { nothrow: true });
  return probe.exitCode === 0 ? undefined : `the API server of ${kubeconfig} does not answer /readyz: ${probe.stderr.trim().split('\n').at(-1)}`;
}

test('existing provider against a real API server: attaches, reads nodes and versions, owns nothing', async () => {
  const why = await reachable();
  // The contract test above checks existing in dry run on every machine; this one needs a cluster.
  test.skip(why !== undefined, `only the dry-run contract is checked here: ${why}`);
  const ctx: ProviderContext = { workDir: scratch(), dryRun: false, record: () => {}, log: () => {} };
  const provider = new ExistingProvider();
  const cluster = await provider.create({ distro: 'existing', kubeconfig }, ctx);
  expect(cluster.createdByHarness).toBe(false);
  expect(cluster.nodes.length).toBeGreaterThan(0);
  expect(cluster.nodes[0]!.internalIp).toMatch(/^[0-9a-f.:]+$/);
  const info = await provider.info(cluster, ctx);
  expect(info.kubernetesVersion).toMatch(/^v1\.\d+/);
  expect(info.containerRuntimeVersion).toMatch(/:\/\//);
  // destroy is not called: on a shared cluster it would delete the harness-labelled namespaces of a run in progress.
});

test('existing provider names the kubeconfig when the cluster cannot be reached', async () => {
  const ctx: ProviderContext = { workDir: scratch(), dryRun: false, record: () => {}, log: () => {} };
  const missing = join(scratch(), 'no-such-kubeconfig');
  await expect(new ExistingProvider().create({ distro: 'existing', kubeconfig: missing, context: 'nowhere' }, ctx)).rejects.toThrow(
    `failed to reach the existing cluster (kubeconfig ${missing}, context nowhere): command failed (exit 1: general error): kubectl --kubeconfig ${missing} --context nowhere get nodes -o json`,
  );
});
