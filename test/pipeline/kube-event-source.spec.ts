import { expect, test } from '@playwright/test';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { realClock } from '../../scripts/install/cluster-events.ts';
import { runtimeClassesPresent } from '../../scripts/install/gone-checks.ts';
import { kubeEventSource } from '../../scripts/install/kube-event-source.ts';
import { waitUntil } from '../../scripts/install/wait-until.ts';
import { scratch } from './support/scratch-dir.ts';

/** A loopback stand-in for the API server's list and watch endpoints (plain HTTP), so the real client-node source
 *  is exercised end to end: list → SYNC, watch from the list's resourceVersion → events. */
let server: Server;
let kubeconfig = '';
const watchers: ServerResponse[] = [];
const watchQueries: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.searchParams.get('watch') === 'true') {
      watchQueries.push(`${url.pathname} rv=${url.searchParams.get('resourceVersion')}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      if (url.pathname === '/apis/node.k8s.io/v1/runtimeclasses') watchers.push(res);
      return;
    }
    const kind = url.pathname.endsWith('/pods') ? 'PodList' : url.pathname.endsWith('/nodes') ? 'NodeList' : 'RuntimeClassList';
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind, apiVersion: 'v1', metadata: { resourceVersion: '41' }, items: [] }));
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

test.afterAll(() => {
  for (const res of watchers) res.destroy();
  return new Promise<void>((done) => server.close(() => done()));
});

test('lists, watches from the list\'s resourceVersion, and sees a runtime class appear', async () => {
  const source = kubeEventSource(kubeconfig, 'loop');
  const waiting = waitUntil(source, realClock, 'confidential-containers-system', runtimeClassesPresent(['control'], 10, Date.now()));
  await expect.poll(() => watchers.length, { timeout: 5_000 }).toBeGreaterThan(0);
  watchers[0]!.write(`${JSON.stringify({ type: 'ADDED', object: { kind: 'RuntimeClass', metadata: { name: 'control', resourceVersion: '42' }, handler: 'runc' } })}\n`);
  await waiting;
  expect(watchQueries.sort()).toEqual([
    '/api/v1/namespaces/confidential-containers-system/pods rv=41',
    '/api/v1/nodes rv=41',
    '/apis/node.k8s.io/v1/runtimeclasses rv=41',
  ]);
});

test('a runtime class that never comes fails at its limit, naming it', async () => {
  const source = kubeEventSource(kubeconfig, 'loop');
  await expect(waitUntil(source, realClock, 'default', runtimeClassesPresent(['kata-qemu-snp'], 1, Date.now()))).rejects.toThrow(
    'runtime class kata-qemu-snp not present after 1s (present: none)',
  );
});
