import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One host TEE capability as the kernel exposes it in sysfs. */
export interface TeeSupport {
  tee: 'tdx' | 'sev-snp' | 'sev' | 'se';
  enabled: boolean;
  file: string;
  /** The file's content, or why it could not be read. */
  evidence: string;
}

const TEE_FILES: Array<{ tee: TeeSupport['tee']; file: string }> = [
  { tee: 'tdx', file: 'sys/module/kvm_intel/parameters/tdx' },
  { tee: 'sev-snp', file: 'sys/module/kvm_amd/parameters/sev_snp' },
  { tee: 'sev', file: 'sys/module/kvm_amd/parameters/sev' },
  { tee: 'se', file: 'sys/firmware/uv/prot_virt_host' },
];

/** Reads the host's TEE switches. `root` lets tests point at a fake sysfs. KVM writes Y/N (or 1/0). */
export function readTeeSupport(root = '/'): TeeSupport[] {
  return TEE_FILES.map(({ tee, file }) => {
    const full = path.join(root, file);
    try {
      const content = readFileSync(full, 'utf8').trim();
      return { tee, enabled: content === 'Y' || content === '1', file: full, evidence: content };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'absent (module not loaded or no support)' : `unreadable (${code ?? String(error)})`;
      return { tee, enabled: false, file: full, evidence: why };
    }
  });
}
