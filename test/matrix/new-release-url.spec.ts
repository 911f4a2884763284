import { expect, test } from '@playwright/test';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { readVersionsYaml } from '../../harness/cli/commands/new-release.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { InputError, loadRelease } from '../../matrix/index.ts';
import { YAML_LIMITS } from '../../matrix/yaml-limits.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const scratch = scratchDirectory('new-release-url');

/** `new-release --versions URL`: kata's versions.yaml read from a URL the runner can reach. The server is a real
 *  HTTP server on loopback (127.0.0.1, an ephemeral port) serving the versions.yaml written here by hand
 *  (test/matrix/candidate/kata-versions.yaml), and the answers a bad URL gives: nothing listening, 404, text that is
 *  not YAML, an answer that never ends, one that stalls. */

const ROOT = resolve(import.meta.dirname, '../..');
const VERSIONS = join(ROOT, 'test/matrix/candidate/kata-versions.yaml');

let server: Server;
let base: string;
/** The stalled answers, ended when the server closes. */
const stalled = new Set<() => void>();

test.beforeAll(async () => {
  const versions = readFileSync(VERSIONS);
  server = createServer((request, response) => {
    switch (request.url) {
      case '/kata-containers/3.33.0/versions.yaml':
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(versions);
        return;
      case '/not-yaml':
        // What a proxy's error page or a truncated download looks like to the YAML parser: an unclosed flow list.
        response.writeHead(200, { 'content-type': 'text/plain' }).end('externals:\n  coco-trustee: { version: [d4e3176\n');
        return;
      case '/endless': {
        // No Content-Length: the body streams until the client stops reading (bounded here too, never endless).
        response.writeHead(200, { 'content-type': 'text/plain' });
        const line = Buffer.alloc(64 * 1024, 'a: b\n');
        let sent = 0;
        const more = () => {
          while (sent < 64 * YAML_LIMITS.maxBytes && !response.destroyed) {
            sent += line.length;
            if (!response.write(line)) return void response.once('drain', more);
          }
          response.end();
        };
        more();
        return;
      }
      case '/stall':
        // Headers and a first line, then nothing.
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('externals:\n');
        stalled.add(() => response.destroy());
        return;
      default:
        response.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  for (const end of stalled) end();
  await new Promise((done) => server.close(done));
});

function releasesCopy(): string {
  const dir = scratch('releases');
  mkdirSync(dir);
  for (const name of readdirSync(join(ROOT, 'matrix/releases'))) copyFileSync(join(ROOT, 'matrix/releases', name), join(dir, name));
  return dir;
}

async function newRelease(dir: string, versions: string) {
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'new-release', 'v0.22.0', '--from', 'v0.21.0',
    '--versions', versions, '--kata-ref', '3.33.0', '--date', '2026-07-31', '--releases-dir', dir],
  { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
  return { ...result, output: result.stdout + result.stderr };
}

test('new-release --versions URL reads kata\'s versions.yaml over HTTP: the same candidate as from the file, citing the URL', async () => {
  const dir = releasesCopy();
  const url = `${base}/kata-containers/3.33.0/versions.yaml`;
  const made = await newRelease(dir, url);
  expect(made.exitCode, made.output).toBe(0);
  const candidate = loadRelease('v0.22.0', dir);
  // The pins, read from the file here by the YAML library on its own.
  const externals = YAML.parse(readFileSync(VERSIONS, 'utf8')).externals;
  expect(candidate.components.trustee).toEqual({
    ref: externals['coco-trustee'].version, image: `${externals['coco-trustee'].image}:${externals['coco-trustee'].image_tag}` });
  expect(candidate.components.guestComponents.version).toBe(externals['coco-guest-components'].version);
  expect(candidate.components.nydusSnapshotter?.version).toBe(externals['nydus-snapshotter'].version);
  expect(candidate.candidate?.versionsYaml).toBe(url);
  // Each changed value cites the URL and the line it was read at.
  const line = readFileSync(VERSIONS, 'utf8').split('\n').findIndex((l) => l.includes(externals['coco-trustee'].version)) + 1;
  expect(readFileSync(join(dir, 'v0.22.0.yaml'), 'utf8')).toContain(`(${url}:${line})`);
});

for (const bad of [
  { name: 'nothing listening', path: null, message: /^error: http:\/\/127\.0\.0\.1:\d+\/versions\.yaml: \(document\): failed to fetch: connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
  { name: 'HTTP 404', path: '/kata-containers/0.0.0/versions.yaml', message: /^error: http:\/\/127\.0\.0\.1:\d+\/kata-containers\/0\.0\.0\/versions\.yaml: \(document\): failed to fetch: HTTP 404 Not Found$/ },
  { name: 'not YAML', path: '/not-yaml', message: /^error: http:\/\/127\.0\.0\.1:\d+\/not-yaml:\d+:\d+: .*(flow|Flow|collection|end)/ },
  { name: 'an answer that does not end', path: '/endless', message: new RegExp(`^error: http://127\\.0\\.0\\.1:\\d+/endless: \\(document\\): is more than ${YAML_LIMITS.maxBytes} bytes; the limit is ${YAML_LIMITS.maxBytes}$`) },
]) {
  test(`new-release --versions URL, ${bad.name}: one line, exit 2, nothing written`, async () => {
    const dir = releasesCopy();
    let url = `${base}${bad.path}`;
    if (bad.path === null) {
      // A port that was just free: bound, then closed.
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/versions.yaml`;
      await new Promise((done) => closed.close(done));
    }
    const made = await newRelease(dir, url);
    expect(made.exitCode, made.output).toBe(2);
    expect(made.stdout).toBe('');
    expect(made.stderr.trim().split('\n')).toHaveLength(1);
    expect(made.stderr.trim()).toMatch(bad.message);
    expect(made.stderr).not.toContain('    at ');
    expect(readdirSync(dir).filter((name) => name.includes('v0.22.0'))).toEqual([]);
  });
}

test('a URL that answers its headers and then stalls is given up after the time limit, with one line', async () => {
  // The CLI's limit is 30 s; the same reader with a limit of 0.5 s, in this process.
  const error = await readVersionsYaml(`${base}/stall`, 500).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/stall: \(document\): failed to fetch: no complete answer within 0\.5 s$/);
});
