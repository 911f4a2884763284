/** The closed vocabularies shared by profiles, matrices, suites and reports. Adding a value here is a code change;
 *  everything else about a release is data (matrix/releases/*.yaml). */

export const FEATURES = [
  'attestation',
  'encrypted-images',
  'authenticated-registries',
  'sealed-secrets',
  'guest-pull',
  'tee-evidence',
  'signed-images',
  'init-data',
  // The guest's own protections against the host: the agent policy, encrypted ephemeral storage (a pod's emptyDir;
  // the guest's image store on a block device the host provides), the measured rootfs.
  'agent-policy',
  'trusted-storage',
  'trusted-image-storage',
  'measured-rootfs',
] as const;
export type Feature = (typeof FEATURES)[number];

/** Platform ids are data: each release profile defines its platforms (tdx, snp, se, nvidia-gpu-snp, …), and a
 *  release may add one without a code change (matrix/load-release-profile.ts encodedPlatformIds lists them all).
 *  Only `control` — runc without confidentiality, the negative control where a release claims nothing — is the
 *  harness's own. */
export type PlatformId = string;
export const CONTROL_PLATFORM = 'control';
export const PLATFORM_ID = { pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'a platform id like "tdx" or "nvidia-gpu-snp"' };

/** What kind of trusted execution a platform runs on, for what depends on the hardware rather than the platform's
 *  name: the KBS deploy directory (TDX's PCCS, SE's credentials) and `doctor`'s host checks. A GPU platform is its
 *  host TEE's kind plus a GPU. */
export const TEE_KINDS = ['tdx', 'snp', 'sev', 'se', 'sgx'] as const;
export type TeeKind = (typeof TEE_KINDS)[number];

export const CLAIM_STATUSES = ['supported', 'limitation', 'unsupported', 'not-applicable'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** positive: the feature works; negative: a misuse is refused; limitation-check: a documented limitation still holds. */
export const VARIANTS = ['positive', 'negative', 'limitation-check'] as const;
export type Variant = (typeof VARIANTS)[number];

export const CLUSTER_DISTROS = ['kind', 'k3s', 'kubeadm', 'existing'] as const;
export type ClusterDistro = (typeof CLUSTER_DISTROS)[number];

/** containerd only: every cluster provider configures containerd (its runtime handlers, the nydus snapshotter). */
export const CONTAINER_RUNTIMES = ['containerd'] as const;
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

/** nydus: guest pull through the per-handler nydus snapshotter (the CoCo default); forced: guest pull forced by the
 *  kata runtime (experimental_force_guest_pull, no snapshotter); host: the image is pulled and unpacked on the host.
 *  What each configures: matrix/pull-mode.ts. */
export const PULL_MODES = ['nydus', 'forced', 'host'] as const;
export type PullMode = (typeof PULL_MODES)[number];

export const ARCHES = ['x86_64', 's390x'] as const;
export type Arch = (typeof ARCHES)[number];

/** The "Policy failure" cases of k8s-policy-pod.bats: what is changed in the pod after its policy was generated. */
export const POLICY_FAILURE_CASES = [
  'container-image', 'privileged', 'termination-message-path', 'host-path-mount', 'config-map', 'post-start-command',
  'uid-0', 'uid-1234',
] as const;
export type PolicyFailureCase = (typeof POLICY_FAILURE_CASES)[number];
