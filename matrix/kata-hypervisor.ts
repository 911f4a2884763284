import type { KataHypervisorSelector } from './release-profile.ts';

/** How kata's test scripts name a platform and choose by it. They run per KATA_HYPERVISOR, name its runtime class
 *  `kata-${KATA_HYPERVISOR}` (confidential_common.sh create_coco_pod_yaml; kata-deploy names the handler alike), and
 *  branch on it: confidential_kbs.sh on the KBS deploy directory, every bats on `is_confidential_hardware` for the
 *  resource policy. A choice keyed like that is keyed on the platform's handler here, never on a category the harness
 *  derives (a TEE flag, a TEE kind). */

/** The KATA_HYPERVISOR of a runtime class handler; undefined for a handler that is no kata shim (runc, enclave-cc). */
export function kataHypervisorOf(handler: string): string | undefined {
  return handler.startsWith('kata-') ? handler.slice('kata-'.length) : undefined;
}

/** As kata's scripts compare KATA_HYPERVISOR: `= "qemu-tdx"` or membership of a list (" ${LIST[*]} " =~
 *  " ${KATA_HYPERVISOR} ") exactly, or `== qemu-se*` as a prefix. */
export function selectsHypervisor(selector: KataHypervisorSelector, hypervisor: string | undefined): boolean {
  if (hypervisor === undefined) return false;
  return selector.kataHypervisors.some((pattern) =>
    pattern.endsWith('*') ? hypervisor.startsWith(pattern.slice(0, -1)) : hypervisor === pattern);
}

/** Whether the selector chooses the platform whose runtime class handler is `handler`. */
export function selectsHandler(selector: KataHypervisorSelector, handler: string): boolean {
  return selectsHypervisor(selector, kataHypervisorOf(handler));
}
