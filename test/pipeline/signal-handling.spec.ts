import { expect, test } from '@playwright/test';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateResultRecord } from '../../reporters/validate-result-record.ts';
import type { ResultRecord } from '../../reporters/result-record.ts';
import { SLOW_CHILD_SECONDS_ENV, SLOW_CHILD_TAG } from '../providers/support/slow-provider.ts';
import { processesOf, scriptedMatrix, startScriptedRun } from './support/scripted-run-process.ts';

const scratch = scratchDirectory('signal-handling');

const ROOT = resolve(import.meta.dirname, '../..');

/** Resolves once `file` contains `text`, watching the folder (no polling sleeps); rejects after `ms`. */
function waitForText(dir: string, file: string, text: string, ms: number): Promise<void> {
  return new Promise((done, fail) => {
    const has = () => existsSync(join(dir, file)) && readFileSync(join(dir, file), 'utf8').includes(text);
    if (has()) return done();
    const watcher = watch(dir, () => {
      if (has()) {
        clearTimeout(timer);
        watcher.close();
        done();
      }
    });
    const timer = setTimeout(() => {
      watcher.close();
      fail(new Error(`"${text}" did not appear in ${file} within ${ms}ms`));
    }, ms);
  });
}

/** Processes still running a slow child (tagged with its seconds), found through /proc. */
function slowChildren(seconds: string): string[] {
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8') .includes(`\0${SLOW_CHILD_TAG}\0${seconds}\0`);
    } catch {
      return false; // the process ended while we looked
    }
  });
}

/** Whatever a failed assertion left running is ended by its pid (never by name): the processes started here, and
 *  those whose environment names a scripted run's marker folder. */
const started: number[] = [];
const markerDirs: string[] = [];
test.afterEach(() => {
  for (const pid of [...started.splice(0), ...markerDirs.splice(0).flatMap((dir) => processesOf(dir).map(Number))]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
});

for (const [signal, code, seconds] of [['SIGINT', 130, '3131'], ['SIGTERM', 143, '3143']] as const) {
  test(`${signal} mid-provision: teardown runs, no child is left, the record is valid and interrupted, exit ${code}`, async () => {
    const out = scratch('out');
    const markers = scratch('markers');
    const stateRoot = scratch('state');
    const matrix = scratch('matrix.yaml');
    writeFileSync(matrix, [
      'schemaVersion: 1', 'name: slow', 'runners:', '  - name: slow-runner', '    platform: control', '    arch: x86_64', '    runs:',
      '      - releases: [v0.9.0]', '        cluster: { distro: kind, kubernetes: "1.30" }', '        containerRuntime: containerd',
      '        pullModes: [host, nydus]', '        suites: [attestation]', '',
    ].join('\n'));
    // The folder must exist before the watcher starts.
    mkdirSync(markers, { recursive: true });
    const child = spawn(process.execPath, [join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--matrix', matrix, '--out', out], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true', COCO_TEST_PROVIDER_MODULE: join(ROOT, 'test/providers/support/slow-provider.ts'), COCO_TEST_MARKER_DIR: markers, COCO_STATE_DIR: stateRoot, [SLOW_CHILD_SECONDS_ENV]: seconds },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child.pid!);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (exitCode) => done(exitCode)));

    await waitForText(markers, 'events.log', 'child-running', 30_000);
    const running = slowChildren(seconds);
    expect(running.length, 'the slow child runs before the signal').toBe(1);
    started.push(...running.map(Number));
    test.info().annotations.push({ type: 'pids', description: `cli ${child.pid}, slow child ${slowChildren(seconds).join(',')}` });
    child.kill(signal);
    expect(await exited, output).toBe(code);

    const events = readFileSync(join(markers, 'events.log'), 'utf8').trim().split('\n');
    // Create was cut short; the cluster it may have half made was destroyed (with a live signal), and the second
    // cell never started.
    expect(events).toHaveLength(3);
    expect(events[0]).toMatch(/^create-started coco-[0-9a-f]{8}$/);
    expect(events[1]).toBe('child-running');
    expect(events[2]).toMatch(/^destroy coco-[0-9a-f]{8} aborted=false$/);
    expect(slowChildren(seconds), 'no child process is left').toEqual([]);

    const records = readdirSync(out).filter((f) => f.endsWith('.json'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(out, records[0]!), 'utf8')) as ResultRecord;
    expect(validateResultRecord(record)).toMatchObject({ ok: true });
    expect(record.status).toBe('interrupted');
    expect(record.cell.id).toBe('v0.9.0/control/kind-1.30/containerd/host');
    // The suites never started: every test of the cell is named as not run.
    expect(record.runErrors).toEqual([
      `run stopped by ${signal} during provision`,
      'interrupted before: attestation/resource-released-allow-all, attestation/resource-withheld-deny-all, attestation/deleted-resource-gone, attestation/gpu-attested',
    ]);
    expect(record.planned?.map((p) => p.id)).toEqual(['attestation/resource-released-allow-all', 'attestation/resource-withheld-deny-all',
      'attestation/deleted-resource-gone', 'attestation/gpu-attested']);
    expect(record.endedAt).toBeTruthy();
    expect(readdirSync(stateRoot), 'the state folder is removed with the teardown').toEqual([]);
    expect(output).toContain('[cell v0.9.0/control/kind-1.30/containerd/host] provision ✗');
    expect(output).toContain('[cell v0.9.0/control/kind-1.30/containerd/host] teardown ✓');
  });
}


for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${signal} mid-suite: Playwright stops, teardown runs, the record is interrupted and names the unfinished tests, exit ${code}`, async () => {
    const run = startScriptedRun(scratch, ['--matrix', scriptedMatrix(scratch)], { COCO_TEST_DOUBLE_SUITE: 'hang' });
    started.push(run.child.pid!);
    markerDirs.push(run.markers);
    // The lines of the two tests that finished are already in run's output while the third still runs: they are
    // forwarded as each test ends, not when Playwright exits.
    await run.waitForOutput('  passed           attestation/resource-withheld-deny-all  control', 60_000);
    await run.waitForOutput('  expected-failure attestation/resource-released-allow-all  control', 60_000);
    await waitForText(run.markers, 'events.log', 'suite-waiting', 60_000);
    expect(processesOf(run.markers).length, 'the suites run before the signal').toBeGreaterThan(1);
    run.child.kill(signal);
    expect(await run.exited, run.output()).toBe(code);

    const unfinished = 'sealed-secret/unsealed-with-resource, sealed-secret/stays-sealed-without-resource';
    const output = run.output();
    expect(output).toContain(`[cell v0.9.0/control/kind-1.30/containerd/host] suites ✗`);
    expect(output).toContain(`interrupted v0.9.0/control/kind-1.30/containerd/host (suites: interrupted by ${signal}; interrupted before: ${unfinished})`);
    // Teardown ran after the suites stopped: logs collected, the platform cleaned up, the cluster destroyed.
    const events = run.events();
    expect(events.slice(events.indexOf('suite-waiting') + 1)).toEqual(['collect', 'platform-cleanup', expect.stringMatching(/^destroy coco-[0-9a-f]{8}$/)]);
    expect(processesOf(run.markers), 'no Playwright runner or worker is left').toEqual([]);
    expect(readdirSync(run.stateRoot), 'the state folder is removed').toEqual([]);

    const recordFile = output.match(/^record: (.+)$/m)?.[1];
    expect(recordFile, output).toBeDefined();
    const record = JSON.parse(readFileSync(recordFile!, 'utf8')) as ResultRecord;
    expect(validateResultRecord(record)).toMatchObject({ ok: true });
    expect(record.status).toBe('interrupted');
    expect(record.tests.map((t) => t.id)).toEqual(['attestation/resource-released-allow-all', 'attestation/resource-withheld-deny-all']);
    expect(record.runErrors).toEqual([`run stopped by ${signal} during suites`, `interrupted before: ${unfinished}`]);
  });
}
