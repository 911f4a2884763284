import type { Feature, Variant } from './vocabulary.ts';

/** Every conformance test the suites define, by stable id. Suites look their metadata up here, so plan, dry-run,
 *  expected outcomes and reports agree on what exists without running Playwright. */
export interface CatalogTest {
  id: string; // "encrypted-image/wrong-key-fails"
  feature: Feature;
  variant: Variant;
  title: string;
  /** Set when the test passes on any runtime, confidential or not: on the control platform it is expected to pass
   *  and the report names it as not discriminating. */
  nonDiscriminating?: string;
  /** For limitation-check tests: the release limitation id it observes. */
  limitation?: string;
}

export const TEST_CATALOG: readonly CatalogTest[] = [
  { id: 'attestation/resource-released-allow-all', feature: 'attestation', variant: 'positive',
    title: 'a KBS resource reaches the guest when the resource policy allows all' },
  { id: 'attestation/resource-withheld-deny-all', feature: 'attestation', variant: 'negative',
    title: 'a KBS resource is withheld when the resource policy denies all' },

  { id: 'encrypted-image/no-key-fails', feature: 'encrypted-images', variant: 'negative',
    title: 'an encrypted image does not run when KBS holds no key' },
  { id: 'encrypted-image/right-key-runs', feature: 'encrypted-images', variant: 'positive',
    title: 'an encrypted image runs when KBS releases the right key' },
  { id: 'encrypted-image/wrong-key-fails', feature: 'encrypted-images', variant: 'negative',
    title: 'an encrypted image does not run with the wrong key' },

  { id: 'authenticated-registry/right-credentials-run', feature: 'authenticated-registries', variant: 'positive',
    title: 'an image from an authenticated registry runs with the right credentials' },
  { id: 'authenticated-registry/wrong-credentials-fail', feature: 'authenticated-registries', variant: 'negative',
    title: 'an image from an authenticated registry does not run with a wrong password' },
  { id: 'authenticated-registry/no-credentials-fail', feature: 'authenticated-registries', variant: 'negative',
    title: 'an image from an authenticated registry does not run without credentials' },
  { id: 'authenticated-registry/credentials-exposed-to-host', feature: 'authenticated-registries',
    variant: 'limitation-check', limitation: 'registry-credentials-exposed-to-host',
    title: 'the host needs the registry credentials (the release notes say they are exposed to the host)' },

  { id: 'sealed-secret/unsealed-with-resource', feature: 'sealed-secrets', variant: 'positive',
    title: 'a sealed secret in an env var is unsealed when KBS holds the resource' },
  { id: 'sealed-secret/stays-sealed-without-resource', feature: 'sealed-secrets', variant: 'negative',
    title: 'a sealed secret stays sealed when KBS lacks the resource, and the pod still runs' },

  { id: 'guest-pull/not-unpacked-on-host', feature: 'guest-pull', variant: 'positive',
    title: 'the image is pulled in the guest, not unpacked on the host' },
  { id: 'guest-pull/init-container-shared-volume', feature: 'guest-pull', variant: 'positive',
    title: 'a pod with an init container and a shared volume runs',
    nonDiscriminating: 'an init container with a shared emptyDir runs on any runtime; it proves nydus compatibility, not confidentiality' },

  { id: 'tee-evidence/guest-is-tee', feature: 'tee-evidence', variant: 'positive',
    title: 'the guest shows the evidence of its TEE (TDX cpuid, SEV/SNP dmesg, SE prot_virt_guest)' },

  // Rejection is the feature itself (without signature verification an unsigned image simply runs), so it is a
  // positive test: under a limitation it is expected to fail.
  { id: 'signed-images/unsigned-image-rejected', feature: 'signed-images', variant: 'positive',
    title: 'an unsigned image is rejected by a security policy that requires a signature' },
  { id: 'signed-images/signed-image-runs', feature: 'signed-images', variant: 'positive',
    title: 'a cosign-signed image allowed by the security policy runs',
    nonDiscriminating: 'a signed image runs whether or not signatures are verified (and on runc); only the rejection of an unsigned image proves verification' },
];

export function catalogTest(id: string): CatalogTest {
  const test = TEST_CATALOG.find((t) => t.id === id);
  if (!test) throw new Error(`unknown conformance test id "${id}" (not in matrix/test-catalog.ts)`);
  return test;
}
