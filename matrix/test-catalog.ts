import type { Feature, PolicyFailureCase, Variant } from './vocabulary.ts';

/** Where and how a positive test must fail when it is expected to fail (a limitation, no claim, the control
 *  platform): the `test.step` title it must fail in and a case-insensitive pattern its error must match. Failing
 *  anywhere else (a TypeError, a manifest the API server refuses, a timeout in the wrong step) is
 *  `failed-wrong-reason`, which counts as FAIL. */
export interface FailureSignature {
  step: string;
  /** A regular expression (source text, matched case-insensitively) against the error of that step. */
  pattern: string;
  /** Why the test fails there, for the reader of the record. */
  because: string;
}

/** What a test needs from the release or the platform beyond a claim; where it is missing the test is skipped with
 *  the reason (a release before KBS resource DELETE, a platform without a GPU, a release without init-data, a
 *  platform without a kata guest — a negative test of what only a guest does cannot fail on runc — a platform whose
 *  guest boots the parameters of its secure image where the release's kata tests do not rebuild it per pod:
 *  matrix/secure-image.ts). */
export type Requirement = 'kbs-resource-delete' | 'gpu' | 'init-data' | 'kata-guest' | 'pod-kernel-params' | 'genpolicy';

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
  /** Positive tests: how they fail where the feature is missing; `onControl` where runc (no guest at all) fails
   *  them differently from a guest that lacks the feature. */
  failsAs?: FailureSignature & { onControl?: FailureSignature };
  requires?: Requirement[];
  /** With `kata-guest`: why the test cannot fail (or cannot be set up) without a kata guest. */
  kataGuestBecause?: string;
  /** With `genpolicy`: the k8s-policy-pod.bats case it is, which the release's bats must have. */
  policyCase?: PolicyFailureCase;
  /** A release limitation that covers this test even where its feature is claimed supported (v0.9.0 claims sealed
   *  secrets but "only supports secrets in environment variables", so the file variant is expected to fail). */
  limitedBy?: string;
}

/** A pod whose image a runc host cannot decrypt or whose guest did not get the key. On a plain containerd host the
 *  pull stops at the encrypted layer: "failed to get stream processor for
 *  application/vnd.oci.image.layer.v1.tar+gzip+encrypted: ctd-decoder resolves to executable …" (containerd 1.6's
 *  default stream processor is imgcrypt's ctd-decoder, absent here; seen on the control run), or with imgcrypt
 *  installed but no key, ocicrypt's "missing private key"; in a guest, image-rs's "failed to get decrypt key …". */
const DECRYPTION_ERROR = 'decrypt|stream processor for [^ ]*\\+encrypted|missing private key|no suitable key';

export const TEST_CATALOG: readonly CatalogTest[] = [
  { id: 'attestation/resource-released-allow-all', feature: 'attestation', variant: 'positive',
    title: 'a KBS resource reaches the guest when the resource policy allows all',
    failsAs: { step: 'assert: the log holds the resource value', pattern: 'should return the KBS resource',
      because: 'the pod runs, but no attested guest asked KBS for the resource, so the CDH endpoint returns nothing' } },
  { id: 'attestation/resource-withheld-deny-all', feature: 'attestation', variant: 'negative',
    title: 'a KBS resource is withheld when the resource policy denies all' },
  { id: 'attestation/deleted-resource-gone', feature: 'attestation', variant: 'negative', requires: ['kbs-resource-delete'],
    title: 'a KBS resource deleted through the admin API no longer reaches the guest' },
  { id: 'attestation/gpu-attested', feature: 'attestation', variant: 'positive', requires: ['gpu'],
    title: "the guest's confidential GPU is attested and ready",
    failsAs: { step: 'assert: the GPU is in its confidential-compute ready state', pattern: 'Confidential Compute GPUs Ready state',
      because: 'no attested confidential GPU reports its ready state in the pod log' } },

  { id: 'encrypted-image/no-key-fails', feature: 'encrypted-images', variant: 'negative',
    title: 'an encrypted image does not run when KBS holds no key' },
  { id: 'encrypted-image/right-key-runs', feature: 'encrypted-images', variant: 'positive',
    title: 'an encrypted image runs when KBS releases the right key',
    failsAs: { step: 'assert: the pod decrypts its image and becomes Ready', pattern: `its image cannot be pulled.*(${DECRYPTION_ERROR})|cannot start.*(${DECRYPTION_ERROR})|ended.*(${DECRYPTION_ERROR})`,
      because: 'nothing that can decrypt the layer gets the key: the pull fails with a decryption error, at once' } },
  { id: 'encrypted-image/wrong-key-fails', feature: 'encrypted-images', variant: 'negative',
    title: 'an encrypted image does not run with the wrong key' },
  { id: 'encrypted-image/wrong-length-key-fails', feature: 'encrypted-images', variant: 'negative',
    title: "an encrypted image does not run with a key of the wrong length (upstream's 8-byte junk key)" },

  { id: 'authenticated-registry/right-credentials-run', feature: 'authenticated-registries', variant: 'positive',
    title: 'an image from an authenticated registry runs with the right credentials',
    failsAs: { step: 'assert: the pod pulls its image and becomes Ready', pattern: 'its image cannot be pulled.*(not authori[sz]ed|unauthori[sz]ed|401)',
      because: 'the registry refuses a pull without the credentials the guest should have fetched from KBS' } },
  { id: 'authenticated-registry/wrong-credentials-fail', feature: 'authenticated-registries', variant: 'negative',
    title: 'an image from an authenticated registry does not run with a wrong password' },
  { id: 'authenticated-registry/no-credentials-fail', feature: 'authenticated-registries', variant: 'negative',
    title: 'an image from an authenticated registry does not run without credentials' },
  { id: 'authenticated-registry/credentials-exposed-to-host', feature: 'authenticated-registries',
    variant: 'limitation-check', limitation: 'registry-credentials-exposed-to-host',
    title: 'the host needs the registry credentials (the release notes say they are exposed to the host)' },

  { id: 'sealed-secret/unsealed-with-resource', feature: 'sealed-secrets', variant: 'positive',
    title: 'a sealed secret in an env var is unsealed when KBS holds the resource',
    failsAs: { step: 'assert: the guest unsealed the secret', pattern: 'PROTECTED_SECRET = ',
      because: 'no confidential-data-hub unseals the value: the variable holds the sealed text' } },
  { id: 'sealed-secret/stays-sealed-without-resource', feature: 'sealed-secrets', variant: 'negative',
    title: 'a sealed secret stays sealed when KBS lacks the resource, and the pod still runs' },
  { id: 'sealed-secret/unsealed-as-file', feature: 'sealed-secrets', variant: 'positive', limitedBy: 'sealed-secrets-env-only',
    title: 'a sealed secret mounted as a file is unsealed when KBS holds the resource',
    failsAs: { step: 'assert: the guest unsealed the secret file', pattern: 'must hold the unsealed value from the mounted secret file',
      because: 'nothing unseals a mounted secret: the file holds the sealed text' } },

  { id: 'guest-pull/not-unpacked-on-host', feature: 'guest-pull', variant: 'positive',
    title: 'the image is pulled in the guest, not unpacked on the host',
    failsAs: { step: 'assert: a kata sandbox with at most the pause rootfs', pattern: 'must exist \\(the pod must run in a kata sandbox\\)|rootfs directories on the host',
      because: 'the image is unpacked on the host (or no kata sandbox exists at all)' } },
  { id: 'guest-pull/init-container-shared-volume', feature: 'guest-pull', variant: 'positive',
    title: 'a pod with an init container and a shared volume runs',
    nonDiscriminating: 'an init container with a shared emptyDir runs on any runtime; it proves nydus compatibility, not confidentiality' },

  { id: 'tee-evidence/guest-is-tee', feature: 'tee-evidence', variant: 'positive',
    title: 'the guest shows the evidence of its TEE (TDX cpuid, SEV/SNP dmesg, SE prot_virt_guest)',
    failsAs: { step: 'assert: the guest shows its TEE evidence', pattern: 'Confidential compute is expected but not enabled',
      because: 'every probe of the platform runs and finds no TEE' } },

  // Rejection is the feature itself (without signature verification an unsigned image simply runs), so it is a
  // positive test: under a limitation it is expected to fail. Every case needs its pod's own kernel parameters (the
  // image policy and signature verification, or none), as the init-data tests do (a KBS address only in init-data).
  { id: 'signed-images/unsigned-image-rejected', feature: 'signed-images', variant: 'positive', requires: ['pod-kernel-params'],
    title: 'an unsigned image is rejected by a security policy that requires a signature',
    failsAs: { step: 'act: the image policy rejects the unsigned image', pattern: 'is Ready; expected it to fail',
      because: 'nothing verifies signatures, so the unsigned image simply runs' } },
  { id: 'signed-images/signed-image-runs', feature: 'signed-images', variant: 'positive', requires: ['pod-kernel-params'],
    title: 'a cosign-signed image allowed by the security policy runs',
    nonDiscriminating: 'a signed image runs whether or not signatures are verified (and on runc); only the rejection of an unsigned image proves verification' },
  { id: 'signed-images/unsigned-accept-anything-runs', feature: 'signed-images', variant: 'positive', requires: ['pod-kernel-params'],
    title: 'an unsigned image runs under a security policy that accepts anything for its registry',
    nonDiscriminating: 'an image the policy accepts runs whether or not signatures are verified; it rules out false negatives' },
  { id: 'signed-images/wrong-key-rejected', feature: 'signed-images', variant: 'positive', requires: ['pod-kernel-params'],
    title: 'a signed image is rejected when the security policy names another key',
    failsAs: { step: 'act: the image policy rejects the image signed with another key', pattern: 'is Ready; expected it to fail',
      because: 'nothing verifies signatures, so the signed image simply runs' } },
  { id: 'signed-images/no-policy-runs', feature: 'signed-images', variant: 'positive', requires: ['pod-kernel-params'],
    title: 'an unsigned image runs when no security policy file is set',
    nonDiscriminating: 'without a policy nothing is verified, on any runtime' },

  // Init-data (kata 3.17.0 tests/integration/kubernetes/k8s-initdata.bats, CoCo 0.14+): the KBS address comes only
  // from the pod's init-data, the image policy from a kernel parameter; the policy rejects the image's registry, so a
  // rejection proves the guest reached KBS through its init-data.
  { id: 'init-data/kbs-from-init-data', feature: 'init-data', variant: 'positive', requires: ['init-data', 'pod-kernel-params'],
    title: 'a guest told where KBS is only by init-data fetches its image policy, which rejects the image',
    failsAs: { step: 'act: the image policy from KBS rejects the image', pattern: 'is Ready; expected it to fail',
      because: 'nothing reads the init-data or verifies images, so the image simply runs' } },
  { id: 'init-data/no-kbs-without-init-data', feature: 'init-data', variant: 'negative', requires: ['init-data', 'kata-guest', 'pod-kernel-params'],
    kataGuestBecause: 'only a guest reads init-data, so its absence cannot fail here',
    title: 'without init-data the guest cannot reach KBS for its image policy, and the pod does not start' },

  // Agent policy. Refusal is the protection itself (without an enforcing agent every request runs), so the refusals
  // are positive tests: where nothing enforces a policy — runc, a release without the claim — they are expected to
  // fail at their act step because the pod or the exec simply runs. kata 3.9.0 k8s-policy-hard-coded.bats (exec) and
  // kata 3.11.0 k8s-policy-pod.bats (generated policies; its CoCo CI first sets AUTO_GENERATE_POLICY=yes there).
  { id: 'agent-policy/exec-refused', feature: 'agent-policy', variant: 'positive',
    title: "an exec the pod's agent policy does not allow is refused with the agent's text (kata's allow-all-except-exec policy)",
    failsAs: { step: 'act: the agent policy refuses the exec', pattern: 'exec was not refused',
      because: 'nothing enforces an agent policy: the exec runs in the container' } },
  { id: 'agent-policy/generated-policy-runs', feature: 'agent-policy', variant: 'positive', requires: ['genpolicy'],
    title: 'a pod and its config map run under the policy genpolicy generated for them',
    nonDiscriminating: 'a pod runs under its generated policy on any runtime (runc ignores the policy); only the refusals prove enforcement' },
  ...policyRefusal('container-image', 'a pod whose container image changed after its policy was generated is refused'),
  ...policyRefusal('privileged', 'a pod made privileged after its policy was generated is refused'),
  ...policyRefusal('termination-message-path', 'a pod whose terminationMessagePath changed after its policy was generated is refused'),
  ...policyRefusal('host-path-mount', 'a pod given a hostPath mount after its policy was generated is refused'),
  ...policyRefusal('config-map', 'a pod whose config map changed after its policy was generated is refused'),
  ...policyRefusal('post-start-command', 'a postStart command added after the policy was generated is refused'),
  ...policyRefusal('uid-0', 'a pod whose runAsUser became 0 after its policy was generated is refused'),
  ...policyRefusal('uid-1234', 'a pod whose runAsUser became 1234 after its policy was generated is refused'),

  // Trusted ephemeral storage: kata 3.28.0 k8s-trusted-ephemeral-data-storage.bats (CoCo 0.19 "Ephemeral Workload
  // Storage Support"). The host's view of the volume is the harness's addition: what the bats cannot see from the pod.
  { id: 'trusted-storage/luks-emptydir', feature: 'trusted-storage', variant: 'positive',
    title: 'an emptyDir is a LUKS device in the guest, active and in use, and data written to it reads back',
    failsAs: { step: 'assert: the emptyDir is a dm-crypt device, active and in use', pattern: 'cryptsetup status .*must show',
      because: "the emptyDir is a directory of the host's filesystem: no dm-crypt device backs it" } },
  { id: 'trusted-storage/host-sees-no-data', feature: 'trusted-storage', variant: 'positive',
    title: "the host's view of the emptyDir holds none of the data the pod wrote",
    failsAs: { step: "assert: the host's view of the volume holds none of the data", pattern: 'holds the data the pod wrote',
      because: 'the emptyDir is a host directory: the file is there in plain text' } },

  // Trusted image storage: kata 3.9.0 k8s-guest-pull-image.bats "Test we can pull an image inside the guest using
  // trusted storage" (CoCo 0.10 "Trusted image storage on guest", 0.19 "Ephemeral Image Storage Support"). Upstream only
  // sees the pod run; the host's view of the device is the harness's check.
  { id: 'trusted-image-storage/image-store-encrypted', feature: 'trusted-image-storage', variant: 'positive',
    title: 'a block device the host gives the guest as /dev/trusted_store becomes its image store, which the host sees only encrypted',
    failsAs: { step: 'assert: the guest encrypted the block device the host sees', pattern: "shows no sign of the guest's encryption",
      because: 'no guest takes the device as its image store: the container is simply handed the loop device, which stays as the node made it' } },

  // Measured rootfs: kata 3.11.0 k8s-measured-rootfs.bats (CoCo 0.11 "TDX guests support measured rootfs with
  // dm-verity"); a wrong root hash must keep the guest from booting.
  { id: 'measured-rootfs/wrong-root-hash-refused', feature: 'measured-rootfs', variant: 'positive', requires: ['kata-guest'],
    kataGuestBecause: "the root hash is a parameter of the kata guest's kernel (or of the node's kata shim configuration), which runc has none of",
    title: 'a pod whose guest is given a wrong dm-verity root hash never starts, and the guest kernel says the rootfs is corrupted',
    failsAs: { step: 'act: the pod with a wrong root hash stays ContainerCreating', pattern: 'is Ready; expected it to stay ContainerCreating',
      because: 'nothing verifies the guest rootfs: the pod starts' } },
];

/** One "Policy failure" case of k8s-policy-pod.bats: the pod changed after genpolicy ran must be refused. */
function policyRefusal(policyCase: PolicyFailureCase, title: string): CatalogTest[] {
  return [{
    id: `agent-policy/refused-${policyCase}`, feature: 'agent-policy', variant: 'positive', requires: ['genpolicy'], policyCase, title,
    failsAs: { step: 'act: the agent policy refuses the changed pod', pattern: 'is Ready; expected it to fail',
      because: 'nothing enforces the generated policy, so the changed pod simply runs' },
  }];
}

export function catalogTest(id: string): CatalogTest {
  const test = TEST_CATALOG.find((t) => t.id === id);
  if (!test) throw new Error(`unknown conformance test id "${id}" (not in matrix/test-catalog.ts)`);
  return test;
}
