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
] as const;
export type Feature = (typeof FEATURES)[number];

/** Platform ids. `control` is runc without confidentiality: the negative control where a release claims nothing. */
export const PLATFORMS = ['tdx', 'snp', 'sev', 'se', 'coco-dev', 'enclave-cc-hw', 'enclave-cc-sim', 'control'] as const;
export type PlatformId = (typeof PLATFORMS)[number];

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
