import { conformance, test } from '../fixtures/conformance-test.ts';
import { NODE_VERITY_PARAMS_PLACEHOLDER, withWrongRootHash, type KubeManifest } from '../lib/manifests/index.ts';

// kata 3.11.0 k8s-measured-rootfs.bats (kata 3.28.0 on: assert_pod_container_creating and kernel_verity_params from the
// node's shim configuration). A guest given a wrong dm-verity root hash must not boot: the pod stays ContainerCreating,
// and the guest kernel's "verity: … metadata block … is corrupted" reaches the kata journal on the node — through the
// shim's console watcher, so only with the hypervisor's debug on (guestProtection.measuredRootfs.journal.needs).

test(...conformance('measured-rootfs/wrong-root-hash-refused', async (c) => {
  const { expect: facts } = c.plan;
  await c.setup(async (manifests) => {
    if (!facts.shimConfig) return manifests;
    const params = await test.step("setup: read kernel_verity_params from the node's shim configuration", async () => {
      const result = await c.nodeShell.run(['sed', '-n', 's/^kernel_verity_params = "\\(.*\\)"/\\1/p', facts.shimConfig!]);
      const value = result.stdout.trim();
      if (result.exitCode !== 0 || !value) throw new Error(`Missing kernel_verity_params in ${facts.shimConfig} on the node${result.stderr ? `: ${result.stderr.trim()}` : ''}`);
      return withWrongRootHash(value, facts.wrongHash!);
    });
    return manifests.map((m): KubeManifest => (m.kind === 'Pod' && m.metadata.annotations?.[facts.annotation!] === NODE_VERITY_PARAMS_PLACEHOLDER
      ? { ...m, metadata: { ...m.metadata, annotations: { ...m.metadata.annotations, [facts.annotation!]: params } } }
      : m));
  });
  await test.step('act: the pod with a wrong root hash stays ContainerCreating', () =>
    c.waitFor.staysContainerCreating(c.namespace, c.plan.pod, Number(facts.staysCreatingSeconds)));
  // No pod failure to read: the text is in the kata journal (and needs the hypervisor's debug).
  await c.expectFailureText(undefined, c.plan.failureText);
}));
