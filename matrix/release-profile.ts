import type { Arch, ClaimStatus, Feature, PlatformId, PolicyFailureCase, TeeKind } from './vocabulary.ts';

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
  /** The guest's protections against the host that the release notes claim: agent policy, trusted ephemeral storage,
   *  measured rootfs — how upstream's tests at the kata tag exercise each. */
  guestProtection: GuestProtection;
  /** Present while the profile is a candidate (written by `coco-conformance new-release` before the release is
   *  tagged); removing the block, once its review list is done, makes it the release. */
  candidate?: CandidateMark;
}

/** A release not yet tagged: where its profile was derived from and what a person must still review. */
export interface CandidateMark {
  /** The release whose profile it was derived from. */
  from: string;
  /** The kata ref (tag or commit) whose versions.yaml gave the components, and the file or URL it was read from. */
  kataRef: string;
  versionsYaml: string;
  /** What the derivation could not know (release-notes texts, claims, limitations, tested stacks, INFERRED values),
   *  each by the profile path it concerns. */
  review: { path: string; why: string }[];
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

/** Hypervisor debug, which alone sends the guest's own log (agent, image-rs, confidential-data-hub) to the node's
 *  kata journal. Upstream CI installs with it on (kata's tests/integration/kubernetes/gha-run.sh); a profile that turns
 *  it off may expect no `guest-log` failure text (check-release-profile.ts). */
interface InstallDebug {
  hypervisorDebug: boolean;
  /** The snapshotters the release's install can set up on a node (`offered`: kata-deploy's snapshotter.setup choices
   *  from kata 3.23.0, nydus and erofs) and the ones it sets up as this profile installs it. */
  snapshotters: { offered: Snapshotter[]; installed: Snapshotter[] };
}

export type Snapshotter = 'nydus' | 'erofs';

export interface OperatorInstall extends InstallDebug {
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
  /** Per runtime class, what the CcRuntime configures (operator ≥ v0.10 config.runtimeClasses): the containerd
   *  snapshotter and the pull type ("" for none: the image is pulled on the host). */
  runtimeClassConfig?: Record<string, { snapshotter: string; pullType: string }>;
  /** The labels a node carries once this overlay's CcRuntime is installed on it (its pre-install done label and
   *  its installDoneLabel): readiness waits for every one of them on some node. */
  nodeLabels: Record<string, string>;
}

export interface OperatorReadiness {
  controllerPodPrefix: string; // cc-operator-controller-manager
  controllerTimeoutSeconds: number;
  /** How upstream's operator.sh decides the CcRuntime is installed. */
  installed: InstalledCheck;
  runtimeClassTimeoutSeconds: number;
  stabilisation: Stabilisation;
}

/** daemon-pods: the operator's install daemons are Running (operator.sh up to v0.11); ccruntime-status: the
 *  CcRuntime's .status.installationStatus.completed.completedNodesCount equals .status.totalNodesCount (v0.12+). */
export type InstalledCheck =
  | { by: 'daemon-pods'; pods: string[]; timeoutSeconds: number }
  | { by: 'ccruntime-status'; timeoutSeconds: number };

/** Upstream's wait_for_stabilization: once everything is up, the operator namespace is looked at every
 *  `intervalSeconds`; a look is unchanged when no container restarted and no new one appeared since the one before.
 *  Ready after `unchangedPolls` unchanged looks (they need not be consecutive); not ready when `maxPolls` looks after
 *  the first have not brought that many. */
export interface Stabilisation {
  unchangedPolls: number;
  intervalSeconds: number;
  maxPolls: number;
}

export type UninstallStep =
  | { action: 'delete-ccruntime' }
  | { action: 'wait-pods-gone'; pods: string[]; timeoutSeconds: number }
  | { action: 'wait-runtime-classes-gone'; timeoutSeconds: number }
  | { action: 'wait-node-labels-gone'; labels: string[]; timeoutSeconds: number }
  | { action: 'delete-operator' }
  | { action: 'wait-controller-gone'; timeoutSeconds: number };

export interface HelmInstall extends InstallDebug {
  method: 'helm';
  /** A registry chart (oci://ghcr.io/confidential-containers/charts/confidential-containers), a directory, or a
   *  git ref (`git+<url>@<ref>#<path>`): matrix/helm-chart-source.ts. */
  chart: string;
  /** The chart version of a registry chart (a directory or a git ref is the version it holds). */
  version?: string;
  releaseName: string; // coco
  namespace: string; // coco-system
  /** Values for every install, then per arch (the chart's values/kata-s390x.yaml, …) merged over them. */
  values?: Record<string, unknown>;
  valuesByArch?: Partial<Record<Arch, Record<string, unknown>>>;
  runtimeClasses: Record<string, string[]>; // per arch or per overlay name
  readinessTimeoutSeconds: number;
  /** The dotted values path of kata-deploy's debug switch inside the chart (kata-as-coco-runtime.debug): the install
   *  sets it to hypervisorDebug. */
  debugValue: string;
}

export interface KbsRecipe {
  ref: string;
  image: string;
  /** The name the KBS image has after trustee's base kustomization renamed its `kbs-container-image` placeholder:
   *  the harness's own `images:` entry must match this name, or kustomize leaves the image unpinned. */
  baseImageName: string;
  kustomizeDir: string; // kbs/config/kubernetes
  /** Per arch, where key.bin goes (overlays/<arch>). */
  overlays: Partial<Record<Arch, string>>;
  /** Which of trustee's kustomize directories the harness builds on, per platform (deploy-kbs.sh's DEPLOYMENT_DIR). */
  deployDirs: KbsDeployDirs;
  /** NVIDIA GPU evidence: the verifier trustee's KBS uses for it, set where kata's GPU CI sets it. */
  nvidiaVerifier?: KbsNvidiaVerifier;
  /** Per arch, a PersistentVolume manifest (relative to kustomizeDir) applied before the kustomization because that
   *  arch's overlay claims it; ${IBM_SE_CREDS_DIR} and ${NODE_NAME} are substituted as deploy-kbs.sh's envsubst does. */
  persistentVolumes: Partial<Record<Arch, string>>;
  namespace: string; // coco-tenant
  deployment: string; // kbs
  service: string;
  port: number;
  apiPrefix: string; // /kbs/v0
  /** The KBS attestation protocol trustee and the guest speak (0.1.0 … 0.4.0). */
  protocolVersion: string;
  adminAuth: {
    style: 'ed25519-jwt' | 'ed25519-jwt-role';
    /** The claims the harness's tokens carry, as that trustee's kbs-client signs them. */
    claims: AdminClaim[]; // iat, exp, nbf
    validitySeconds: number;
    clockSkewSeconds: number;
    /** How trustee's configuration names the admin key: a bare auth_public_key, an [admin] section, or personas. */
    config: 'auth-public-key' | 'admin-section' | 'admin-personas';
    /** The library that checks the token: jwt-simple (no claim required, `clockSkewSeconds` tolerance on iat, nbf and
     *  exp) or jsonwebtoken (trustee v0.18+: exp required, `clockSkewSeconds` leeway on exp only, nbf unchecked). */
    verifier: 'jwt-simple' | 'jsonwebtoken';
    /** false where trustee serves POST attestation-policy without admin auth (v0.11-v0.14 = CoCo 0.12-0.15). */
    attestationPolicyAuthenticated?: boolean;
  };
  /** DELETE /kbs/v0/resource/<path> exists: tests delete what they set, and the resource-delete test runs. */
  resourceDelete: boolean;
  /** The largest request body trustee reads, in bytes: a resource, and a policy route's JSON (413 above). */
  bodyLimitBytes: { resource: number; policy: number };
  policies: {
    /** The Rego dialect of that trustee's regorus: v0 (`allow {`) or v1 (`allow if {`). */
    regoDialect: 'v0' | 'v1';
    /** How trustee keeps a resource policy it is sent: `file` — decoded and written unchecked (trustee before v0.11);
     *  `checked-file` — compiled by regorus first, refused if it does not compile (v0.11-v0.18); `policy-engine` —
     *  the shared policy engine's storage, unchecked (v0.19+). */
    storage: 'file' | 'checked-file' | 'policy-engine';
    /** What a resource policy sees (trustee kbs/src/policy_engine): `path-string` — data["resource-path"] is
     *  "<repo>/<type>/<tag>" (with `resourcePathPrefix` before it, "resource/" from CoCo 0.12); `structured` —
     *  data is {"plugin": "resource", "resource-path": ["<repo>", "<type>", "<tag>"], "query": {…}} (CoCo 0.18+). */
    resourceInput: { shape: 'path-string'; resourcePathPrefix: string } | { shape: 'structured' };
    /** What the resource policy's `input` holds for a guest with the sample attester and for a TEE one, in that
     *  trustee's token claims (`{"tee": "sample"}` before EAR tokens; `submods.cpu…` / `submods.cpu0…` after). The
     *  self-tests evaluate the suites' policies against these with a real Rego engine. */
    attesterInput: { sample: Record<string, unknown>; tee: Record<string, unknown> };
    defaultResourcePolicy: string;
    allowAll: string;
    denyAll: string;
    /** The resource policy the suites set: `gpu` on confidential GPU hardware, `tee` on other confidential hardware,
     *  `nonTee` elsewhere; `${WITHHELD}` stands for the deny test's marker. */
    suiteResourcePolicy: { tee: string; nonTee: string; gpu?: string };
    /** Which platforms are confidential hardware, as kata's bats decide where they keep trustee's policy and where they
     *  set allow-all (`is_confidential_hardware || kbs_set_allow_all_resources`): KATA_HYPERVISOR in the tag's list of
     *  TEE hypervisors, matched against the platform's runtime class handler. */
    confidentialHardware: KataHypervisorSelector;
    /** Which platforms are confidential GPU hardware (`is_confidential_gpu_hardware`), where kata's bats set the gpu0
     *  policy (kbs_set_gpu0_resource_policy) instead of trustee's: the suites' `gpu` policy goes there, for every test
     *  of the cell (KBS holds one policy). Given exactly when suiteResourcePolicy.gpu is. */
    confidentialGpuHardware?: KataHypervisorSelector;
  };
  /** What trustee answers on / (the upstream health check expects this). */
  healthCheckExpects: string;
}

/** Directories are relative to KbsRecipe.kustomizeDir. As kata's confidential_kbs.sh branches on KATA_HYPERVISOR, a
 *  platform uses the `tdx` or `se` entry whose `kataHypervisors` match its hypervisor (its runtime class handler
 *  without `kata-`), else `default[arch]`. */
export interface KbsDeployDirs {
  /** Per arch: nodeport/<arch> (trustee before the flat layout) or nodeport, a NodePort service the guest reaches on
   *  the node's InternalIP. */
  default: Partial<Record<Arch, string>>;
  tdx?: KbsTdxDeploy;
  se?: KbsIbmSeDeploy;
}

/** Intel TDX: `custom-pccs` — a directory that mounts an sgx_default_qcnl.conf pointing the KBS at the runner's PCCS;
 *  `ita` — the Intel Trust Authority build of trustee (its own image), whose kbs-config.toml needs the runner's ITA
 *  API key in place of a placeholder; `default` — TDX deploys like every other platform. */
export type KbsTdxDeploy = (
  | {
      kind: 'custom-pccs';
      dir: string;
      /** The QCNL file the directory's configMapGenerator reads; the harness writes it with the runner's PCCS URL. */
      qcnlConfig: string;
      /** use_secure_cert in that file: false accepts a PCCS with a self-signed certificate. */
      useSecureCert: boolean;
    }
  | {
      kind: 'ita';
      dir: string;
      /** The image of the ITA build (kata versions.yaml's ita_image). */
      image: string;
      /** The configuration file the API key goes into, and the text in it the key replaces. */
      configFile: string;
      keyPlaceholder: string;
      /** Further edits kata's confidential_kbs.sh makes to the ITA directory before deploying it, in its order (kata
       *  3.21.0: `extra_teekey_paths` in kbs-config.toml and the tdx attester_type path in policy.rego, for trustee
       *  v0.15.0's ITA v2 appraisal API). */
      edits?: KbsFileEdit[];
    }
) & KataHypervisorSelector;

/** One `sed -i` of kata's on a trustee file (relative to kustomizeDir): `append` — `/<after>/a <line>`, the line
 *  after every line containing `after`; `substitute` — `s:<find>:<replace>:`, the first occurrence on each line. */
export type KbsFileEdit =
  | { file: string; edit: 'append'; after: string; line: string }
  | { file: string; edit: 'substitute'; find: string; replace: string };

/** trustee's deploy-kbs.sh writes `[<table>] type = "<NVIDIA_VERIFIER_MODE>"` into base/kbs-config.toml; kata's GPU
 *  workflow deploys the KBS with NVIDIA_VERIFIER_MODE=remote. The harness sets that table's `type` in configFile (a
 *  TOML document, read and written again) for the platforms whose KATA_HYPERVISOR the selector names. */
export interface KbsNvidiaVerifier extends KataHypervisorSelector {
  /** Relative to kustomizeDir: the configuration the deploy directory's KBS reads (base/kbs-config.toml). */
  configFile: string;
  /** The dotted TOML table (attestation_service.verifier_config.nvidia_verifier). */
  table: string;
  /** The `type` value, as the release's deploy-kbs.sh writes it ("Remote", later the mode as given, "remote"). */
  type: string;
}

/** The KATA_HYPERVISOR values kata's confidential_kbs.sh deploys a directory for, as it compares them: exact
 *  (`= "qemu-tdx"`) or, with a trailing `*`, a prefix (`== qemu-se*`, kata 3.21.0+). */
export interface KataHypervisorSelector {
  kataHypervisors: string[];
}

/** IBM Secure Execution: a directory whose KBS reads the SE credentials from a PersistentVolume. */
export interface KbsIbmSeDeploy extends KataHypervisorSelector {
  dir: string;
  /** Where key.bin goes for SE when it is not the arch's overlay (the flat layout's overlays/ibm-se). */
  keyDir?: string;
  /** The PersistentVolume manifest SE needs when the arch's overlay does not already claim one (flat layout). */
  persistentVolume?: string;
  /** Files the runner's credentials directory must hold, relative to it; `*` matches within one file name. */
  credentialFiles: string[];
  /** The value of SE_SKIP_CERTS_VERIFICATION on the kbs container. */
  skipCertsVerification: boolean;
}

export type AdminClaim = 'iat' | 'exp' | 'nbf';

export interface GuestComponentsBehaviour {
  /** How the suites' pods point at KBS, as upstream's create_coco_pod_yaml does at the release's kata tag: kernel
   *  parameters (every release so far; init-data only in upstream's init-data tests) or init-data. */
  kbsConfig: 'kernel-params' | 'init-data';
  annotations: {
    runtimeHandler: string; // io.containerd.cri.runtime-handler
    kernelParams: string; // io.katacontainers.config.hypervisor.kernel_params
    agentPolicy: string; // io.katacontainers.config.agent.policy
  };
  /** Init-data (CoCo 0.14+ on bare metal): where it goes and what it holds. */
  initData?: InitDataFormat;
  /** Kernel parameter templates; ${KBS} is replaced by the KBS URL, ${RESOURCE} by a kbs:/// URI. */
  kernelParams: {
    kbc: string; // agent.aa_kbc_params=cc_kbc::${KBS}
    restApiResource: string; // agent.guest_components_rest_api=resource
    procsCdh: string; // agent.guest_components_procs=confidential-data-hub
    registryAuth: string; // agent.image_registry_auth=${RESOURCE}
  };
  /** Where pods carry kata's allow-all agent policy annotation (so exec and logs work): keyed as kata's
   *  add_allow_all_policy_to_yaml keys it, on KATA_HYPERVISOR (tests_common.sh hard_coded_policy_tests_enabled, a
   *  list that names runtime-rs shims one by one). Absent where no pod carries it. */
  allowAllAgentPolicy?: KataHypervisorSelector;
  sealedSecret: {
    encoding: 'base64-standard' | 'base64url-nopad' | 'es256-jws';
    /** The fake header and signature of the unsigned encodings (ignored for es256-jws). */
    header: string;
    signature: string;
    payloadVersion: string; // 0.1.0
    /** es256-jws: the KBS resource the guest fetches the public JWK from (the JWS header's kid, as kbs:///<path>). */
    signingKeyPath?: string;
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
  /** Image signature verification (kata's k8s-guest-pull-image-signature.bats). */
  signedImages?: SignedImageVerification;
}

/** What a pod asks for to have its image's signature verified, and what the guest says when it refuses one. */
export interface SignedImageVerification {
  /** The release these values were checked against, when it is not this profile's own (a release that lists signed
   *  images as a limitation carries the next release's values, so its pods ask for verification as that one's do). */
  valuesFrom?: string;
  /** KBS resource path of the image security policy (policy.json). */
  securityPolicyPath: string;
  /** KBS resource path of the cosign public key the policy names. */
  cosignKeyPath: string;
  /** Kernel parameter templates; ${RESOURCE} is replaced by the policy's kbs:/// URI. */
  kernelParams: {
    imagePolicy: string; // agent.image_policy_file=${RESOURCE}
    signatureVerification: string; // agent.enable_signature_verification=true
  };
  /** What a rejection shows, per kind of rejection. */
  failureTexts: {
    unsignedImage: FailureText;
    wrongKey: FailureText;
  };
}

/** Where a failure text becomes visible to the harness:
 *  - `agent-error`: in the error the kata agent returns for the failed request, which containerd and kubelet carry into
 *    the pod's status and events — visible with or without debug;
 *  - `guest-log`: only in the guest's own log (agent, image-rs, confidential-data-hub), which reaches the node's kata
 *    journal only with hypervisor debug on (install.hypervisorDebug);
 *  - `test-output`: the test's own assertion message (upstream's bats print it; the harness's pod does too). */
export type FailureChannel = 'agent-error' | 'guest-log' | 'test-output';

/** A failure text: the fragments that must all appear (kata 3.9.0 asserts two for a missing key), and where. */
export interface FailureText {
  surfaces: FailureChannel;
  fragments: string[];
}

export interface FailureTexts {
  encryptedImageNoKey: FailureText;
  encryptedImageWrongKey: FailureText;
  authenticatedRegistryWrongCredentials: FailureText;
  authenticatedRegistryNoCredentials: FailureText;
  teeNotEnabled: FailureText;
}

/** kata's init-data (confidential_common.sh / k8s-initdata.bats at the release's tag). */
export interface InitDataFormat {
  /** io.katacontainers.config.runtime.cc_init_data (kata 3.17) or io.katacontainers.config.hypervisor.cc_init_data. */
  annotation: string;
  version: string; // 0.1.0
  algorithm: string; // sha256
  /** gzip-base64: gzip, then standard base64 (`gzip -c | base64 -w0`). */
  encoding: 'gzip-base64';
  /** The aa.toml and cdh.toml texts; ${KBS} is the KBS URL, ${CDH_IMAGE_SECTION} the [image] table the pod asks for. */
  aaToml: string;
  cdhToml: string;
  /** cdh.toml [image] keys that carry what the kernel parameters carry otherwise; absent → a kernel parameter. */
  cdhImageKeys?: { registryAuth?: string; imagePolicy?: string };
  /** The texts upstream's init-data tests look for: the image the init-data-configured guest's policy rejects,
   *  and the hub's error when no init-data told it where KBS is. */
  failureTexts: { imageRejected: FailureText; withoutInitData: FailureText };
  /** Where the pod without init-data fails: `image-pull` (default), its container's guest pull is refused and the
   *  container waits in an error; `sandbox`, the agent's CreateSandbox already fails (kata 3.17.0 builds image-rs's
   *  client there, fetching the image policy), so kubelet retries the sandbox with FailedCreatePodSandBox events and
   *  the pod stays ContainerCreating. */
  withoutInitDataFailsAt?: 'image-pull' | 'sandbox';
}

export interface PlatformSpec {
  /** As the release notes name it ("Intel TDX"), for the rendered tested-stacks section. */
  name: string;
  /** For grid column headers ("TDX"). */
  shortName: string;
  runtimeClass: string;
  /** The RuntimeClass handler (kata-qemu-snp, runc, …). */
  handler: string;
  arches: Arch[];
  tee: boolean;
  /** The hardware under the platform, for what depends on it rather than on the platform's name (TDX's PCCS for the
   *  KBS, SE's credentials, doctor's checks). Absent for platforms without a TEE (coco-dev, control). */
  teeKind?: TeeKind;
  /** A GPU passed to the confidential guest (NVIDIA GPU platforms): the extended resource a pod asks for and the CDI
   *  device annotation (kata 3.25.0 runtimeclass_workloads/pod-attestable-gpu.yaml.in), when the release says. */
  gpu?: { vendor: string; model: string; resource?: string; cdiAnnotation?: Record<string, string> };
  /** The install overlay that creates this platform's runtime class. */
  overlay?: string;
  /** false when the release does not ship this runtime class at all (e.g. kata-qemu-coco-dev in v0.9.0). */
  shipped: boolean;
  note?: string;
  /** How a test inside the guest looks for TEE evidence. A TEE platform's own probe (named after the platform) must
   *  match; a platform without one (the control) passes only if any probe matches — so the control, carrying every
   *  TEE platform's probe, fails when none finds a TEE. Absent where the release checks no evidence. */
  teeEvidence?: TeeProbe[];
  /** The platform through another kata shim (runtime-rs), keyed by variant id: where kata-deploy at the release's
   *  kata ref carries the shim. A runner runs one with `runtimeVariants` (matrix/runtime-variant.ts). */
  runtimeVariants?: Record<string, RuntimeVariant>;
  /** IBM SE: the guest boots the kernel command line sealed into the node's secure image, which no annotation
   *  reaches (matrix/secure-image.ts). Absent where pods get their kernel parameters from the annotation. */
  secureImage?: SecureImage;
}

/** A guest booted from a secure image (IBM SE): every pod shares the parameters sealed in the node's one image unless
 *  the test rebuilds it with its own, as upstream's tests do. */
export interface SecureImage {
  /** How the release's kata tests give a pod its own kernel parameters; absent where they do not (`note` says why). */
  rebuild?: SecureImageRebuild;
  note?: string;
}

/** kata's set_metadata_annotation (tests/integration/kubernetes/lib.sh): for a kernel_params annotation on a matching
 *  KATA_HYPERVISOR, repack_secure_image (tools/packaging/guest-image/lib_se.sh) rebuilds the node's secure image with
 *  the annotation's value and makes it the KBS's SE image header, before the pod is created. `kataHypervisors` are
 *  the values that branch compares KATA_HYPERVISOR with (`== "qemu-se"`, or `== qemu-se*` from kata 3.21.0). */
export interface SecureImageRebuild extends KataHypervisorSelector {
  /** The runtime configuration whose Kernel.Path names the directory of kernel, initrd and secure image. */
  runtimeConfig: string;
  /** The kata runtime CLI whose `--config <runtimeConfig> env --json` gives Kernel.Path (upstream calls it from PATH). */
  runtimeCli: string;
  /** File names in that directory: the kernel and initrd the image is built from, and the secure image the runtime
   *  boots (its `kernel`), which the rebuilt one replaces. */
  kernel: string;
  initrd: string;
  image: string;
  /** What build_secure_image appends to the pod's parameters in the parmfile. */
  appendedParams: string;
  /** The host key documents genprotimg gets, as a file-name pattern inside the runner's host key folder (HKD_PATH). */
  hostKeyDocuments: string;
  /** genprotimg's certificate check as upstream's CI runs it. */
  verification: string[];
  /** Arguments added for a genprotimg older than `below` (its `--version`). */
  legacyPcf: { below: string; args: string[] };
  /** Where the rebuilt image goes in the SE credentials folder the KBS mounts (IBM_SE_CREDS_DIR), as its header. */
  kbsHeader: string;
}

/** The same TEE and guest through another kata shim: its own runtime class and handler. */
export interface RuntimeVariant {
  runtimeClass: string;
  handler: string;
  /** The KATA_HYPERVISOR upstream CI names its jobs by (qemu-tdx-runtime-rs): `import` maps a job to the variant. */
  kataHypervisor: string;
  /** Whether the release's install creates the runtime class (kata-deploy carrying a shim does not enable it). */
  shipped: boolean;
  note?: string;
}

export interface TeeProbe {
  /** The TEE the probe looks for: a platform id (tdx, snp, sev, se). */
  name: string;
  /** argv run in the harness's busybox shell image. */
  command: string[];
  /** A JavaScript regular expression (multiline) the command's output must match. */
  expect: string;
}

export interface Claim {
  status: ClaimStatus;
  /** The release-notes sentence behind a limitation / unsupported / not-applicable claim. */
  note?: string;
  issue?: string;
  /** A claim upstream's CI does not exercise at the release's refs (its bats skip this platform): the harness still
   *  tests it, and plan and report say "not tested upstream" with this reason (the upstream file:line). */
  notTestedUpstream?: string;
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

/** Upstream test images; self-built replacements are produced by lib/images when a runner cannot pull these. */
export interface TestImages {
  attestation: string; // quay.io/kata-containers/alpine-bash-curl:latest
  encrypted: string; // ghcr.io/confidential-containers/test-container:multi-arch-encrypted
  encryptionKeyBase64: string;
  wrongKeyBase64: string;
  busybox: string;
  authenticated: string;
  /** The GPU attestation pod's image (kata 3.25.0 pod-attestable-gpu.yaml.in: CUDA base with nvidia-smi). */
  gpu?: string;
  /** The unsigned image in a repository the signature tests' policy protects (k8s-guest-pull-image-signature.bats
   *  UNSIGNED_PROTECTED_REGISTRY_IMAGE), for runs on upstream's images; `archTagSuffix`: the tag gets `-<arch>` off
   *  x86_64, as the bats' tag_suffix (`-$(uname -m)`) does up to kata 3.28.0. */
  unsigned?: { image: string; archTagSuffix: boolean };
}

/** What the release's notes say about the guest's protections, and how kata's bats at its tag exercise them. */
export interface GuestProtection {
  agentPolicy: AgentPolicyFacts;
  trustedStorage: TrustedStorageFacts;
  measuredRootfs: MeasuredRootfsFacts;
}

/** The kata agent's policy (kata src/agent/src/policy.rs; tests k8s-policy-*.bats). */
export interface AgentPolicyFacts {
  /** Where a pod's policy goes: `annotation` — standard base64 of the Rego in guestComponents.annotations.agentPolicy
   *  (kata ≤ 3.19); `init-data` — a policy-only init-data (version, algorithm, [data] "policy.rego") in
   *  guestComponents.initData.annotation, as tests_common.sh's encode_policy_in_init_data writes it (kata 3.21+). */
  carrier: 'annotation' | 'init-data';
  /** The agent's refusal as it reaches the kubelet (pod events) or kubectl exec; ${REQUEST} is the ttrpc request. */
  refusedText: string;
  /** kata's genpolicy as the release's CoCo CI runs it (AUTO_GENERATE_POLICY=yes); absent where it runs none. */
  genpolicy?: GenpolicyFacts;
}

export interface GenpolicyFacts {
  /** genpolicy's arguments; ${POD_YAML}, ${SETTINGS_DIR} and ${CONFIGMAP_YAML} are filled in (tests_common.sh
   *  auto_generate_policy). */
  args: string[];
  /** Arguments added when the pod uses a config map. */
  configMapArgs: string[];
  /** The pod annotation genpolicy writes its output into. */
  writesAnnotation: string;
  /** The cases the release's k8s-policy-pod.bats refuses, each checked against its line. */
  failureCases: PolicyFailureCase[];
  /** The event a refused postStart command leaves instead of the agent's text (bats: grep FailedPostStartHook). */
  postStartEvent: string;
}

/** Encrypted ephemeral storage in the guest. */
export interface TrustedStorageFacts {
  /** The release-notes sentence claiming trusted image storage (a PV-backed block device for the guest's images,
   *  k8s-guest-pull-image.bats "using trusted storage"), when it does. */
  imageClaim?: string;
  /** The release-notes sentence claiming ephemeral workload storage, when it does. */
  workloadClaim?: string;
  /** An emptyDir backed by LUKS in the guest (k8s-trusted-ephemeral-data-storage.bats). */
  workload: {
    /** The release these values were checked against when it is not this profile's own. */
    valuesFrom?: string;
    /** kata's emptydir_mode on the CoCo shims (block-encrypted). */
    emptyDirMode: string;
    /** The pod's image: it carries cryptsetup. */
    image: string;
    mountPath: string;
    /** Lines `cryptsetup status <device>` must show (regular expressions, each on its own). */
    cryptsetupStatus: string[];
    /** The file the kata shim creates in the emptyDir's folder on the host and hands the guest as the block device
     *  (sparse, as large as the kubelet's filesystem): where the host sees the volume, as ciphertext. */
    hostDiskImage: string;
  };
  /** The guest's image store on a block device the host provides (k8s-guest-pull-image.bats "using trusted storage"):
   *  a container given the device at `devicePath` makes the agent ask the confidential-data-hub to encrypt it and
   *  mount it where the guest pulls images. */
  image: TrustedImageStorageFacts;
}

export interface TrustedImageStorageFacts {
  /** The release these values were checked against when it is not this profile's own. */
  valuesFrom?: string;
  /** The container's volumeDevices path the agent looks for (kata src/agent/src/rpc.rs TRUSTED_IMAGE_STORAGE_DEVICE). */
  devicePath: string;
  /** Where the guest mounts the decrypted device: its image store (KATA_IMAGE_WORK_DIR). */
  guestMountPoint: string;
  /** Pod annotations the bats sets (agent.secure_storage_integrity=true while the agent's default was false). */
  annotations?: Record<string, string>;
  /** Size of the loop device's backing file on the node (confidential_common.sh create_loop_device). */
  loopFileMegabytes: number;
  /** The PersistentVolume's capacity and the claim's request (trusted-storage.yaml.in). */
  pvCapacity: string;
  pvcRequest: string;
  /** Where the confidential-data-hub keeps the LUKS2 header: `on-device` — luksFormat on the device itself, so the
   *  host sees the header (its magic, cipher and integrity, never the key); `in-guest-memory` — a detached header in
   *  the guest's tmpfs, so the host sees no LUKS header at all. */
  luksHeader: 'on-device' | 'in-guest-memory';
  /** The data cipher (LUKS2's segment encryption). */
  cipher: string;
  /** The dm-integrity algorithm when the agent asks for integrity; absent when it does not. */
  integrity?: string;
}

/** A dm-verity protected rootfs (k8s-measured-rootfs.bats). */
export interface MeasuredRootfsFacts {
  valuesFrom?: string;
  /** How a pod gets a wrong root hash: a kernel_params annotation (kata 3.11–3.25), or kernel_verity_params read from
   *  the node's shim configuration with root_hash replaced (kata 3.28+). */
  override:
    | { kind: 'kernel-params'; annotation: string; template: string }
    | { kind: 'kernel-verity-params'; annotation: string; shimConfig: string };
  wrongHash: string;
  /** How long the pod must stay ContainerCreating (assert_pod_container_creating's duration, or the journal wait). */
  staysCreatingSeconds: number;
  /** The guest kernel's dm-verity error: it reaches the host journal (syslog identifier `identifier`) only through
   *  the shim's console watcher, which runs only with the hypervisor's debug on. */
  journal: { identifier: string; pattern: string; needs: string };
}
