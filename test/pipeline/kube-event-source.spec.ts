import { expect, test } from '@playwright/test';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ccRuntimeInstalled, createWaitFor, kubeEventSource, realClock, runtimeClassesPresent, waitUntil,
} from '../../lib/cluster/wait/index.ts';
import { waitNodesReady } from '../../harness/providers/shared/node-list.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('kube-event-source');

/** A loopback stand-in for the API server's list, watch and log endpoints (plain HTTP), so the real client-node
 *  source is exercised end to end: list → SYNC, watch from the list's resourceVersion → events, relist when a watch
 *  ends, a followed log. Lists answer with what `lists` holds for the path (empty by default). */
let server: Server;
let kubeconfig = '';
const lists = new Map<string, unknown[]>();
const logs = new Map<string, string[]>();
const watchers = new Map<string, ServerResponse[]>();
const requests: string[] = [];

function reset(): void {
  lists.clear();
  logs.clear();
  for (const res of [...watchers.values()].flat()) res.destroy();
  watchers.clear();
  requests.length = 0;
}

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const selector = url.searchParams.get('fieldSelector');
    const shown = `${url.pathname}${selector ? ` ${selector}` : ''}`;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (url.pathname.endsWith('/log')) {
      requests.push(`log ${shown} follow=${url.searchParams.get('follow')}`);
      for (const chunk of logs.get(url.pathname) ?? []) res.write(chunk);
      res.end();
      return;
    }
    if (url.searchParams.get('watch') === 'true') {
      requests.push(`watch ${shown} rv=${url.searchParams.get('resourceVersion')}`);
      res.flushHeaders();
      watchers.set(url.pathname, [...(watchers.get(url.pathname) ?? []), res]);
      return;
    }
    requests.push(`list ${shown}`);
    res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '41' }, items: lists.get(url.pathname) ?? [] }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const dir = scratch('kube');
  mkdirSync(dir, { recursive: true });
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: loop',
    `clusters: [{ name: loop, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
    'users: [{ name: loop, user: { token: not-a-secret } }]',
    'contexts: [{ name: loop, context: { cluster: loop, user: loop } }]', '',
  ].join('\n'));
});

test.beforeEach(reset);

test.afterAll(() => {
  reset();
  return new Promise<void>((done) => server.close(() => done()));
});

const source = () => kubeEventSource({ path: kubeconfig, context: 'loop' });
/** Until the server holds `count` watches of the path (earlier waits' watches stay in the list once stopped). */
const watching = (path: string, count = 1) => expect.poll(() => watchers.get(path)?.length ?? 0, { timeout: 5_000 }).toBeGreaterThanOrEqual(count);
const send = (path: string, type: string, object: unknown) => watchers.get(path)!.at(-1)!.write(`${JSON.stringify({ type, object })}\n`);

test('lists, watches only what the condition reads, from the list\'s resourceVersion, and sees a runtime class appear', async () => {
  const waiting = waitUntil({ source: source(), clock: realClock }, runtimeClassesPresent(['control']), { timeoutSeconds: 10 });
  await watching('/apis/node.k8s.io/v1/runtimeclasses');
  send('/apis/node.k8s.io/v1/runtimeclasses', 'ADDED', { kind: 'RuntimeClass', metadata: { name: 'control', resourceVersion: '42' }, handler: 'runc' });
  await waiting;
  expect(requests).toEqual(['list /apis/node.k8s.io/v1/runtimeclasses', 'watch /apis/node.k8s.io/v1/runtimeclasses rv=41']);
});

test('a runtime class that never comes fails at its limit, naming it and what is present', async () => {
  lists.set('/apis/node.k8s.io/v1/runtimeclasses', [{ metadata: { name: 'kata' }, handler: 'kata' }]);
  await expect(waitUntil({ source: source(), clock: realClock }, runtimeClassesPresent(['kata-qemu-snp']), { timeoutSeconds: 1 }))
    .rejects.toThrow('failed to wait for runtime class kata-qemu-snp present: timed out after 1s; expected it present, ' +
      'last seen kata-qemu-snp missing (present: kata)');
});

const limits = { podReadySeconds: 10, podFailedSeconds: 10, runtimeClassSeconds: 10, logSeconds: 10 };
const PODS = '/api/v1/namespaces/ns1/pods';

test('a pod wait watches the one pod and its events by field selector, and explains a back-off from the events', async () => {
  lists.set(PODS, [{ metadata: { name: 'x', namespace: 'ns1' }, status: { phase: 'Pending', containerStatuses: [{ name: 'c', image: 'r/a:1',
    imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "r/a:1"' } } }] } }]);
  lists.set('/api/v1/namespaces/ns1/events', [{ metadata: { name: 'x.1', namespace: 'ns1' }, type: 'Warning', reason: 'Failed',
    involvedObject: { kind: 'Pod', name: 'x' }, message: 'Failed to pull image "r/a:1": failed to pull manifest Not authorized' }]);
  await expect(createWaitFor(source(), limits).podReady('ns1', 'x')).rejects.toThrow(
    'failed to wait for pod ns1/x Ready: its image cannot be pulled; expected condition Ready, last seen phase Pending, reason ' +
    'ImagePullBackOff: Back-off pulling image "r/a:1": Failed to pull image "r/a:1": failed to pull manifest Not authorized');
  expect(requests.filter((r) => r.startsWith('list')).sort()).toEqual([
    'list /api/v1/namespaces/ns1/events involvedObject.kind=Pod,involvedObject.name=x',
    'list /api/v1/namespaces/ns1/pods metadata.name=x',
  ]);
});

test('a watch the server ends is relisted, so a pod deleted in the gap is gone', async () => {
  lists.set(PODS, [{ metadata: { name: 'x', namespace: 'ns1' }, status: { phase: 'Running' } }]);
  const gone = createWaitFor(source(), limits).podGone('ns1', 'x');
  await watching(PODS);
  lists.set(PODS, []);
  watchers.get(PODS)!.at(-1)!.end();
  await gone;
  expect(requests.filter((r) => r.startsWith('list'))).toEqual(['list /api/v1/namespaces/ns1/pods metadata.name=x', 'list /api/v1/namespaces/ns1/pods metadata.name=x']);
});

test('a followed log resolves on its text, and a log that ends without it says so with its last lines', async () => {
  logs.set('/api/v1/namespaces/ns1/pods/p/log', ['a\n', 'done 1\n']);
  await expect(createWaitFor(source(), limits).logContains('ns1', 'p', 'c', 'done 1')).resolves.toContain('a\n');
  expect(requests).toEqual(['log /api/v1/namespaces/ns1/pods/p/log follow=true']);
  logs.set('/api/v1/namespaces/ns1/pods/p/log', ['a\n', 'b\n']);
  await expect(createWaitFor(source(), limits).logContains('ns1', 'p', 'c', 'done')).rejects.toThrow(
    'failed to wait for "done" in the log of pod ns1/p (container c): the log ended; expected a line with "done", last seen the last lines a | b');
});

const node = (ready: 'True' | 'False') => ({ metadata: { name: 'n1', resourceVersion: ready === 'True' ? '43' : '41' }, status: { conditions: [
  { type: 'Ready', status: ready, ...(ready === 'False' ? { reason: 'KubeletNotReady', message: 'container runtime network not ready' } : {}) }] } });

test('provisioning waits on a node watch until every node is Ready, and a node that stays NotReady times out with kubelet\'s reason', async () => {
  const provisioned = { name: 'loop', kubeconfigPath: kubeconfig, context: 'loop', nodes: [], createdByHarness: true };
  const records: string[] = [];
  const ctx = { workDir: scratch('nodes'), dryRun: false, record: (_step: string, entry: unknown) => { records.push(String(entry)); }, log: () => {} };
  lists.set('/api/v1/nodes', [node('False')]);
  await expect(waitNodesReady(provisioned, ctx, 1)).rejects.toThrow('failed to wait for every node Ready: timed out after 1s; ' +
    'expected condition Ready on every node, last seen n1 not Ready (KubeletNotReady: container runtime network not ready)');
  const ready = waitNodesReady(provisioned, ctx, 10);
  await watching('/api/v1/nodes', 2);
  send('/api/v1/nodes', 'MODIFIED', node('True'));
  await ready;
  expect(records).toEqual(['# wait (watch): every node Ready within 1s', '# wait (watch): every node Ready within 10s']);
});

test('the operator\'s CcRuntime is listed and watched as a cluster-scoped custom resource', async () => {
  const path = '/apis/confidentialcontainers.org/v1beta1/ccruntimes';
  lists.set(path, [{ metadata: { name: 'ccruntime-sample' }, status: { totalNodesCount: 1, installationStatus: { completed: { completedNodesCount: 0 } } } }]);
  const installed = waitUntil({ source: source(), clock: realClock }, ccRuntimeInstalled('ccruntime-sample'), { timeoutSeconds: 10 });
  await watching(path);
  send(path, 'MODIFIED', { metadata: { name: 'ccruntime-sample', resourceVersion: '42' },
    status: { totalNodesCount: 1, installationStatus: { completed: { completedNodesCount: 1 } } } });
  await installed;
  expect(requests).toEqual([`list ${path} metadata.name=ccruntime-sample`, `watch ${path} metadata.name=ccruntime-sample rv=41`]);
});
