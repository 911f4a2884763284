import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ScratchDirectory } from '../../lib/scratch-directory.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const SCRIPTED_RUN = join(ROOT, 'test/pipeline/support/scripted-run.ts');

/** A one-runner matrix on one platform, one cell, the double suite's features (or some of them), written in the
 *  calling spec's scratch folder. */
export function scriptedMatrix(scratch: ScratchDirectory, platform = 'control', suites: readonly string[] = ['attestation', 'sealed-secrets']): string {
  const file = scratch('matrix.yaml');
  writeFileSync(file, [
    'schemaVersion: 1', 'name: scripted', 'runners:', '  - name: scripted-runner', `    platform: ${platform}`, '    arch: x86_64', '    runs:',
    '      - releases: [v0.9.0]', '        cluster: { distro: kind, kubernetes: "1.30" }', '        containerRuntime: containerd',
    '        pullModes: [host]', `        suites: [${suites.join(', ')}]`, '',
  ].join('\n'));
  return file;
}

export interface ScriptedRun {
  child: ChildProcess;
  out: string;
  /** COCO_STATE_DIR of the run: the root its state folders are made under. */
  stateRoot: string;
  markers: string;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves once the output contains `text`, from the child's own output events (no polling); rejects after `ms`. */
  waitForOutput(text: string, ms: number): Promise<void>;
  exited: Promise<number | null>;
  events(): string[];
  /** label → value of every secret the doubles made. */
  secrets(): Map<string, string>;
}

/** Starts test/pipeline/support/scripted-run.ts (the real `run` over doubles of cluster, install, KBS and suites),
 *  its state and marker folders in the calling spec's scratch folder. `out`: an --out an earlier run wrote into, as a
 *  runner that keeps its results; a fresh one there by default. */
export function startScriptedRun(scratch: ScratchDirectory, args: string[], env: Record<string, string> = {}, out = scratch('out')): ScriptedRun {
  const stateRoot = scratch('state');
  const markers = scratch('markers');
  mkdirSync(markers, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPTED_RUN, ...args, '--out', out], {
    cwd: ROOT,
    env: { ...process.env, CI: 'true', COCO_STATE_DIR: stateRoot, COCO_TEST_MARKER_DIR: markers, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of [...waiters]) check();
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return {
    child, out, stateRoot, markers,
    output: () => text,
    waitForOutput: (wanted, ms) => new Promise((done, fail) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) fail(error);
        else done();
      };
      const check = () => {
        if (text.includes(wanted)) settle();
      };
      const timer = setTimeout(() => settle(new Error(`"${wanted}" did not appear in the run's output within ${ms}ms:\n${text}`)), ms);
      waiters.add(check);
      check();
      void exited.then(() => {
        if (waiters.has(check)) settle(new Error(`the run ended before "${wanted}" appeared:\n${text}`));
      });
    }),
    exited,
    events: () => (existsSync(join(markers, 'events.log')) ? readFileSync(join(markers, 'events.log'), 'utf8').trim().split('\n') : []),
    secrets: () => new Map(readFileSync(join(markers, 'secrets.txt'), 'utf8').trim().split('\n').map((line) => {
      const at = line.lastIndexOf(' ');
      return [line.slice(0, at), Buffer.from(line.slice(at + 1), 'base64').toString('utf8')] as [string, string];
    })),
  };
}

/** Every file under `dir` whose content contains `value`. */
export function filesContaining(dir: string, value: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile() && readFileSync(file).includes(value));
}

/** Processes whose environment names `markers` (every process the run started inherits it), found through /proc. */
export function processesOf(markers: string): string[] {
  return readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`COCO_TEST_MARKER_DIR=${markers}\0`);
    } catch {
      return false; // the process ended while we looked
    }
  });
}
