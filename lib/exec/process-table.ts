import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { endianness } from 'node:os';

/** One process as /proc shows it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, … or Z: a zombie has exited and only waits for its parent to reap it. */
  state: string;
  /** Start time in clock ticks since boot: with the pid it names one process, since pids are reused. */
  startTicks: number;
  comm: string;
  argv: string[];
}

/** The process with this pid, or undefined when there is none (or /proc is not there). */
export function readProcess(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: it ends at the last ')'.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  let argv: string[] = [];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    // exited between the two reads
  }
  return {
    pid,
    comm: stat.slice(stat.indexOf('(') + 1, close),
    // Field n of proc(5) is fields[n - 3]: state is 3, ppid 4, pgrp 5, starttime 22.
    state: fields[0] ?? '',
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    startTicks: Number(fields[19]),
    argv,
  };
}

export function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((n) => /^\d+$/.test(n)).map((n) => readProcess(Number(n))).filter((p): p is ProcessEntry => p !== undefined);
}

/** One variable of a process's environment as it was started, or undefined (not set, or not readable). */
export function processEnvValue(pid: number, name: string): string | undefined {
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  const prefix = `${name}=`;
  return environ.split('\0').find((entry) => entry.startsWith(prefix))?.slice(prefix.length);
}

/** pid → the host:port it listens on (TCP over IPv4), for every listening socket bound to `address`. */
export function pidsListeningOn(address: string): Map<number, string[]> {
  const ports = listeningPorts(address);
  const byPid = new Map<number, string[]>();
  if (ports.size === 0) return byPid;
  for (const entry of readdirSafe('/proc').filter((n) => /^\d+$/.test(n))) {
    for (const fd of readdirSafe(`/proc/${entry}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const port = ports.get(target.match(/^socket:\[(\d+)\]$/)?.[1] ?? '');
      if (port === undefined) continue;
      const pid = Number(entry);
      byPid.set(pid, [...(byPid.get(pid) ?? []), `${address}:${port}`]);
    }
  }
  return byPid;
}

/** socket inode → port, from /proc/net/tcp (state 0A is LISTEN). */
function listeningPorts(address: string): Map<string, number> {
  const wanted = procNetAddress(address);
  const ports = new Map<string, number>();
  let table = '';
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return ports;
  }
  for (const line of table.split('\n').slice(1)) {
    const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
    const [host, port] = (local ?? '').split(':');
    if (state === '0A' && host === wanted && inode) ports.set(inode, parseInt(port ?? '0', 16));
  }
  return ports;
}

/** /proc/net/tcp prints an IPv4 address as the 32-bit word in host byte order. */
function procNetAddress(address: string): string {
  const bytes = address.split('.').map((b) => Number(b).toString(16).padStart(2, '0').toUpperCase());
  return (endianness() === 'LE' ? bytes.reverse() : bytes).join('');
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
