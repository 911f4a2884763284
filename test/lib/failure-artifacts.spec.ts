import { test, expect } from '@playwright/test';
import { collectFailureArtifacts } from '../../fixtures/artifacts/failure-artifacts.ts';
import type { ClusterClient } from '../../lib/cluster/index.ts';
import type { NodeShell } from '../../lib/node-shell/index.ts';

/** A test whose setup failed before any pod existed (no KBS on a developer's cluster) is reported at once: the node
 *  is not asked for a journal kata never wrote (a `kubectl debug` pod on an offline cluster waited 2 minutes a test). */
function cluster(pods: unknown[]): ClusterClient {
  return {
    pods: async () => pods,
    events: async () => [],
    podLog: async () => 'log line',
  } as unknown as ClusterClient;
}

function shell(calls: string[][]): NodeShell {
  return {
    mode: 'debug', node: 'n1',
    run: async (argv: readonly string[]) => {
      calls.push([...argv]);
      return { argv, exitCode: 0, stdout: 'kata[1]: sandbox created', stderr: '', durationMs: 1 };
    },
  } as unknown as NodeShell;
}

test('no pod of the test existed: the journal is not read, and the artifact says why', async () => {
  const calls: string[][] = [];
  const artifacts = await collectFailureArtifacts({ cluster: cluster([]), namespace: 'ns-1', nodeShell: shell(calls), testStart: new Date() });
  expect(calls).toEqual([]);
  expect(artifacts.find((a) => a.name === 'kata-journal.txt')?.body)
    .toBe('(no pod of this test existed in ns-1, so kata ran nothing for it: the journal was not read)');
});

test('a pod of the test existed: the journal since the test started is read', async () => {
  const calls: string[][] = [];
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] }, status: {} };
  const artifacts = await collectFailureArtifacts({ cluster: cluster([pod]), namespace: 'ns-1', nodeShell: shell(calls), testStart: new Date(0) });
  expect(calls).toEqual([['journalctl', '-x', '-t', 'kata', '--since', '@0', '--no-pager']]);
  expect(artifacts.find((a) => a.name === 'kata-journal.txt')?.body).toBe('kata[1]: sandbox created');
});
