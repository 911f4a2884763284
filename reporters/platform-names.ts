import type { PlatformId } from '../matrix/vocabulary.ts';

/** Names as the release notes write them, so the rendered "tested stacks" section can be pasted as is. */
const NAMES: Record<PlatformId, string> = {
  tdx: 'Intel TDX',
  snp: 'AMD SEV-SNP',
  sev: 'AMD SEV',
  se: 'Secure Execution on IBM zSystems (s390x) running LinuxONE',
  'coco-dev': 'non-TEE development (coco-dev)',
  'enclave-cc-hw': 'enclave-cc (Intel SGX hardware)',
  'enclave-cc-sim': 'enclave-cc (SGX simulation)',
  control: 'control (runc, no confidentiality)',
};

/** Short names for grid column headers. */
const SHORT: Record<PlatformId, string> = {
  tdx: 'TDX', snp: 'SEV-SNP', sev: 'SEV', se: 'IBM SE', 'coco-dev': 'coco-dev',
  'enclave-cc-hw': 'enclave-cc hw', 'enclave-cc-sim': 'enclave-cc sim', control: 'control',
};

export function platformName(platform: PlatformId): string {
  return NAMES[platform];
}

export function platformShortName(platform: PlatformId): string {
  return SHORT[platform];
}
