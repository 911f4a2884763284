import type { Arch, ClaimStatus, Feature, PlatformId } from './vocabulary.ts';

/** Everything that changes from one CoCo release to the next, as loaded from matrix/releases/vX.Y.Z.yaml.
 *  Adding a release is a new YAML file, never new code. */
export interface ReleaseProfile {
  schemaVersion: 1;
  release: string; // "v0.9.0"
  releaseDate: string; // ISO date
  notesUrl: string;
  components: Components;
  install: InstallRecipe;
  kbs: KbsRecipe;
  guestComponents: GuestComponentsBehaviour;
  platforms: Partial<Record<PlatformId, PlatformSpec>>;
  claims: Record<Feature, Partial<Record<PlatformId, Claim>>>;
  /** The limitations the release notes list that a test can observe. */
  limitations: ReleaseLimitation[];
  testedStacks: TestedStack[];
  timeouts: Timeouts;
  testImages: TestImages;
}

export interface Components {
  kata: { version: string };
  operator?: { version: string };
  trustee: { ref: string; image: string };
  guestComponents: { version: string };
  enclaveCc?: { version: string };
  nydusSnapshotter?: { version: string };
}

export type InstallRecipe = OperatorInstall | HelmInstall;

export interface OperatorInstall {
  method: 'operator';
  namespace: string; // confidential-containers-system
  namePrefix: string; // cc-operator-
  /** kustomize target of the operator itself, e.g. github.com/confidential-containers/operator/config/release?ref=v0.9.0 */
  operatorKustomization: string;
  workerLabel: { key: string; value: string };
  overlays: Record<string, CcRuntimeOverlay>;
  readiness: OperatorReadiness;
  uninstall: UninstallStep[];
}

export interface CcRuntimeOverlay {
  kustomization: string;
  /** Name of the CcRuntime custom resource the overlay creates (absent for enclave-cc samples that create one too). */
  ccRuntime: string;
  runtimeClasses: string[];
  /** The runtime class name `kata` points at, when the overlay creates that default class. */
  defaultRuntimeClassHandler?: string;
  snapshotter?: string;
}

export interface OperatorReadiness {
  controllerPodPrefix: string; // cc-operator-controller-manager
  controllerTimeoutSeconds: number;
  daemonPods: string[]; // cc-operator-daemon-install, cc-operator-pre-install-daemon
  daemonTimeoutSeconds: number;
  runtimeClassTimeoutSeconds: number;
  /** No pod may restart across this window once everything is Running. */
  stabilisationSeconds: number;
  nodeLabels: Record<string, string>;
}

export type UninstallStep =
  | { action: 'delete-ccruntime' }
  | { action: 'wait-pods-gone'; pods: string[]; timeoutSeconds: number }
  | { action: 'wait-runtime-classes-gone'; timeoutSeconds: number }
  | { action: 'wait-node-labels-gone'; labels: string[]; timeoutSeconds: number }
  | { action: 'delete-operator' }
  | { action: 'wait-controller-gone'; timeoutSeconds: number };

export interface HelmInstall {
  method: 'helm';
  chart: string; // oci://ghcr.io/confidential-containers/charts/confidential-containers
  version: string;
  releaseName: string; // coco
  namespace: string; // coco-system
  values?: Record<string, unknown>;
  runtimeClasses: Record<string, string[]>; // per arch or per overlay name
  readinessTimeoutSeconds: number;
}

export interface KbsRecipe {
  ref: string;
  image: string;
  kustomizeDir: string; // kbs/config/kubernetes
  overlays: Partial<Record<Arch, string>>;
  namespace: string; // coco-tenant
  deployment: string; // kbs
  service: string;
  port: number;
  apiPrefix: string; // /kbs/v0
  adminAuth: {
    style: 'ed25519-jwt' | 'ed25519-jwt-role';
    claims: string[]; // iat, exp, nbf
    validitySeconds: number;
    clockSkewSeconds: number;
  };
  resourceDelete: boolean;
  policies: {
    defaultResourcePolicy: string;
    allowAll: string;
    denyAll: string;
  };
  /** What trustee answers on / (the upstream health check expects this). */
  healthCheckExpects: string;
}

export interface GuestComponentsBehaviour {
  /** How a pod points at KBS: kernel_params (kata ≤ 3.x early) or init-data (later). */
  kbsConfig: 'kernel-params' | 'init-data';
  annotations: {
    runtimeHandler: string; // io.containerd.cri.runtime-handler
    kernelParams: string; // io.katacontainers.config.hypervisor.kernel_params
    agentPolicy: string; // io.katacontainers.config.agent.policy
    initData?: string;
  };
  /** Kernel parameter templates; ${KBS} is replaced by the KBS URL, ${RESOURCE} by a kbs:/// URI. */
  kernelParams: {
    kbc: string; // agent.aa_kbc_params=cc_kbc::${KBS}
    restApiResource: string; // agent.guest_components_rest_api=resource
    procsCdh: string; // agent.guest_components_procs=confidential-data-hub
    registryAuth: string; // agent.image_registry_auth=${RESOURCE}
  };
  /** Platforms whose kernel parameters are baked into the secure image instead of an annotation (IBM SE). */
  paramsBakedIntoImage: PlatformId[];
  /** Platforms whose pods carry the allow-all agent policy annotation (so exec/logs work). */
  allowAllAgentPolicyOn: PlatformId[];
  sealedSecret: {
    encoding: 'base64-standard' | 'base64url-nopad' | 'es256-jws';
    header: string;
    signature: string;
    payloadVersion: string; // 0.1.0
  };
  cdhResourceEndpoint: string; // http://127.0.0.1:8006/cdh/resource
  resourcePaths: {
    attestationKey: string; // default/aa/key
    encryptionKey: string; // default/key/ssh-demo
    credentials: string; // default/credentials/test
    sealedSecret: string; // default/sealed-secret/test
  };
  /** Failure text each negative test expects, in pod status/events or the kata journal. */
  failureTexts: FailureTexts;
}

export interface FailureTexts {
  encryptedImageNoKey: string;
  encryptedImageWrongKey: string;
  authenticatedRegistryWrongCredentials: string;
  authenticatedRegistryNoCredentials: string;
  sealedSecretUnsealFailed: string;
  teeNotEnabled: string;
}

export interface PlatformSpec {
  runtimeClass: string;
  /** The RuntimeClass handler (kata-qemu-snp, runc, …). */
  handler: string;
  arches: Arch[];
  tee: boolean;
  /** The install overlay that creates this platform's runtime class. */
  overlay?: string;
  /** false when the release does not ship this runtime class at all (e.g. kata-qemu-coco-dev in v0.9.0). */
  shipped: boolean;
  note?: string;
  /** How a test inside the guest proves it is this TEE (absent for non-TEE platforms). */
  teeEvidence?: { command: string[]; /** A regular expression the command's output must match. */ expect: string };
}

export interface Claim {
  status: ClaimStatus;
  /** The release-notes sentence behind a limitation / unsupported / not-applicable claim. */
  note?: string;
  issue?: string;
}

export interface ReleaseLimitation {
  id: string; // registry-credentials-exposed-to-host
  text: string; // the release-notes sentence
  features: Feature[];
  /** The platforms it holds on; all platforms when absent (e.g. SEV's missing attestation holds on sev only). */
  platforms?: PlatformId[];
  /** Test ids that cannot tell a confidential runtime from runc while this limitation holds. */
  nonDiscriminating?: string[];
  issue?: string;
}

export interface TestedStack {
  platform: PlatformId;
  hardware?: string;
  processor?: string;
  kernel: string;
  kernelUrl?: string;
  os: string;
  kubernetes: string; // v1.24.0
  distro: string; // Kubeadm / k3s
  kustomize?: string;
}

export interface Timeouts {
  podReadySeconds: number;
  podFailedSeconds: number;
  runtimeClassSeconds: number;
  kbsReadySeconds: number;
  testSeconds: number;
}

/** Upstream test images; self-built replacements are produced by fixtures/images when a runner cannot pull these. */
export interface TestImages {
  attestation: string; // quay.io/kata-containers/alpine-bash-curl:latest
  encrypted: string; // ghcr.io/confidential-containers/test-container:multi-arch-encrypted
  encryptionKeyBase64: string;
  wrongKeyBase64: string;
  busybox: string;
  authenticated: string;
}
