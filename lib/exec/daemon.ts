import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pasteable } from './command-error.ts';
import { readProcess } from './process-table.ts';

/** A long-running process the harness starts itself where no init system exists (this machine has no systemd as
 *  PID 1): detached, its own process group, output to a log file, its pid in a file so that any later run can
 *  stop it — also after the run that started it was killed. */
interface DaemonSpec {
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
  // The start time next to the pid: a later run must not stop an unrelated process that got the same pid.
  writeFileSync(spec.pidFile, `${child.pid} ${readProcess(child.pid)?.startTicks ?? ''}\n`);
  return child.pid;
}

/** The pid recorded in pidFile when that same process is still running. */
export function daemonPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const [pidText, ticksText] = readFileSync(pidFile, 'utf8').trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const ticks = ticksText ? Number(ticksText) : undefined;
  return isRunning(pid, ticks) ? pid : undefined;
}

/** True while the process runs. A zombie does not: it has exited, and only its parent can reap it (an init that
 *  does not reap leaves it in the table for good). With startTicks, only that very process counts. */
export function isRunning(pid: number, startTicks?: number): boolean {
  const entry = readProcess(pid);
  if (entry) return entry.state !== 'Z' && (startTicks === undefined || entry.startTicks === startTicks);
  // No /proc (not Linux): signal 0 asks whether the pid exists.
  if (existsSync('/proc/self/stat')) return false;
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
  if (pid !== undefined) await stopProcesses([pid], { graceMs, group: true });
  rmSync(pidFile, { force: true });
}

/** TERM to each process (or its group), KILL to what still runs after graceMs, then waits until none runs.
 *  Returns the pids that still run after that (a process stuck in the kernel cannot be killed). */
export async function stopProcesses(pids: readonly number[], options: { graceMs?: number; group?: boolean } = {}): Promise<number[]> {
  const graceMs = options.graceMs ?? 10_000;
  const targets = pids.map((pid) => ({ pid, ticks: readProcess(pid)?.startTicks }));
  const running = () => targets.filter((t) => isRunning(t.pid, t.ticks));
  for (const { pid } of running()) signal(pid, 'SIGTERM', options.group);
  await waitUntil(() => running().length === 0, graceMs);
  for (const { pid } of running()) signal(pid, 'SIGKILL', options.group);
  await waitUntil(() => running().length === 0, 10_000);
  return running().map((t) => t.pid);
}

function signal(pid: number, name: NodeJS.Signals, group = false): void {
  if (group) {
    try {
      process.kill(-pid, name);
      return;
    } catch {
      // not a group leader: the process alone
    }
  }
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
