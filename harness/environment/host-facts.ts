import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { EnvironmentFacts } from '../../reporters/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';

/** Files that say whether the host kernel offers a TEE to guests (KVM module parameters, s390 ultravisor). */
const TEE_HOST_FILES: Record<string, string> = {
  tdx: '/sys/module/kvm_intel/parameters/tdx',
  sev_snp: '/sys/module/kvm_amd/parameters/sev_snp',
  sev: '/sys/module/kvm_amd/parameters/sev',
  sev_es: '/sys/module/kvm_amd/parameters/sev_es',
  prot_virt_host: '/sys/firmware/uv/prot_virt_host',
};

/** Firmware facts that are world-readable on some hosts; absent ones are simply left out. */
const TEE_FIRMWARE_FILES: Record<string, string> = {
  sev_firmware: '/sys/devices/platform/ccp/firmware_version', // not every kernel exposes it
  tdx_module: '/sys/firmware/tdx/tdx_module/version',
  bios_version: '/sys/class/dmi/id/bios_version',
  bios_date: '/sys/class/dmi/id/bios_date',
};

/** dmesg lines that name TEE firmware (SEV API version, TDX module); dmesg is often restricted, so best effort. */
const FIRMWARE_DMESG = /(SEV(-SNP)? API:?\s*\S+|SEV-SNP.*firmware|TDX module.*(version|initialized)[^\n]*|virt\/tdx:[^\n]*)/i;

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined; // absent or unreadable: the fact is unknown, not an error
  }
}

export function prettyName(osRelease: string): string | undefined {
  return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1];
}

export function cpuModel(cpuinfo: string): string | undefined {
  // x86 says "model name"; s390x says "machine" in its processor lines.
  return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? /^processor \d+:.*machine\s*=\s*(\S+)/m.exec(cpuinfo)?.[1];
}

export async function captureHostFacts(): Promise<EnvironmentFacts> {
  const kernel = await runCommand(['uname', '-r'], { nothrow: true });
  const arch = await runCommand(['uname', '-m'], { nothrow: true });
  const teeHostSupport: Record<string, string> = {};
  for (const [name, file] of Object.entries(TEE_HOST_FILES)) {
    const value = await readTrimmed(file);
    if (value !== undefined) teeHostSupport[name] = value;
  }
  const teeFirmware: Record<string, string> = {};
  for (const [name, file] of Object.entries(TEE_FIRMWARE_FILES)) {
    const value = await readTrimmed(file);
    if (value) teeFirmware[name] = value;
  }
  const dmesg = await runCommand(['dmesg'], { nothrow: true, timeoutMs: 5_000 });
  const firmwareLines = dmesg.exitCode === 0 ? dmesg.stdout.split('\n').filter((l) => FIRMWARE_DMESG.test(l)).slice(0, 5) : [];
  firmwareLines.forEach((line, i) => (teeFirmware[`dmesg_${i}`] = line.replace(/^\[[^\]]*\]\s*/, '')));
  return {
    hostname: hostname(),
    kernel: kernel.exitCode === 0 ? kernel.stdout.trim() : undefined,
    arch: arch.exitCode === 0 ? arch.stdout.trim() : undefined,
    os: prettyName((await readTrimmed('/etc/os-release')) ?? ''),
    cpuModel: cpuModel((await readTrimmed('/proc/cpuinfo')) ?? ''),
    teeHostSupport,
    teeFirmware,
  };
}
