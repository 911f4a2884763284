import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pasteable } from './command-error.ts';

/** A long-running process the harness starts itself where no init system exists (this machine has no systemd as
 *  PID 1): detached, its own process group, output to a log file, its pid in a file so that any later run can
 *  stop it — also after the run that started it was killed. */
export interface DaemonSpec {
  name: string;
  argv: readonly string[];
  logFile: string;
  pidFile: string;
  env?: Record<string, string>;
}

export function startDaemon(spec: DaemonSpec): number {
  const [program, ...args] = spec.argv;
  if (!program) throw new Error(`failed to start ${spec.name}: empty command`);
  const running = daemonPid(spec.pidFile);
  if (running !== undefined) return running;
  mkdirSync(dirname(spec.logFile), { recursive: true });
  mkdirSync(dirname(spec.pidFile), { recursive: true });
  const log = openSync(spec.logFile, 'a');
  writeFileSync(log, `--- ${new Date().toISOString()} ${pasteable(spec.argv)}\n`);
  const child = spawn(program, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...spec.env },
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`failed to start ${spec.name}: ${pasteable(spec.argv)}`);
  child.unref();
  writeFileSync(spec.pidFile, String(child.pid));
  return child.pid;
}

/** The pid recorded in pidFile when that process is still alive. */
export function daemonPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isAlive(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the daemon's whole process group: TERM, then KILL after graceMs. Resolves once it is gone. */
export async function stopDaemon(pidFile: string, graceMs = 10_000): Promise<void> {
  const pid = daemonPid(pidFile);
  if (pid !== undefined) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await delay(100);
    if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(50);
  }
  rmSync(pidFile, { force: true });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
