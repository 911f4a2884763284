import { ARCHES, CLAIM_STATUSES, FEATURES, PLATFORM_ID, POLICY_FAILURE_CASES, TEE_KINDS } from '../vocabulary.ts';
import { anything, bool, int, list, literal, obj, oneOf, opt, record, req, str, union } from './schema-node.ts';

/** The shape of matrix/releases/vX.Y.Z.yaml — exactly matrix/release-profile.ts's ReleaseProfile. Cross-field rules
 *  (every platform has a claim, overlays exist, …) live in check-release-profile.ts. */

const text = () => str();
const platform = () => str(PLATFORM_ID);
const feature = () => oneOf(FEATURES, 'feature');
const version = () => obj({ version: req(text()) });
export const RELEASE_TAG = { pattern: /^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, patternHint: 'a release tag like "v0.9.0"' };

const components = obj({
  kata: req(version()),
  operator: opt(version()),
  trustee: req(obj({ ref: req(text()), image: req(text()) })),
  guestComponents: req(version()),
  enclaveCc: opt(version()),
  nydusSnapshotter: opt(version()),
});

const seconds = () => int(1);
/** A failure text: where it surfaces, and the fragments that must all appear there. */
export const FAILURE_CHANNELS = ['agent-error', 'guest-log', 'test-output'] as const;
export const INIT_DATA_FAILURE_STEPS = ['image-pull', 'sandbox'] as const;
const failureText = () => obj({
  surfaces: req(oneOf(FAILURE_CHANNELS, 'failure text channel')),
  fragments: req(list(text(), { minItems: 1 })),
});

const uninstallStep = union('action', {
  'delete-ccruntime': obj({ action: req(literal('delete-ccruntime')) }),
  'wait-pods-gone': obj({ action: req(literal('wait-pods-gone')), pods: req(list(text(), { minItems: 1 })), timeoutSeconds: req(seconds()) }),
  'wait-runtime-classes-gone': obj({ action: req(literal('wait-runtime-classes-gone')), timeoutSeconds: req(seconds()) }),
  'wait-node-labels-gone': obj({
    action: req(literal('wait-node-labels-gone')),
    labels: req(list(text(), { minItems: 1 })),
    timeoutSeconds: req(seconds()),
  }),
  'delete-operator': obj({ action: req(literal('delete-operator')) }),
  'wait-controller-gone': obj({ action: req(literal('wait-controller-gone')), timeoutSeconds: req(seconds()) }),
});

export const SNAPSHOTTERS = ['nydus', 'erofs'] as const;
/** What the release's install can set up on a node (offered) and what it sets up as the profile installs it. */
const snapshotters = () => obj({
  offered: req(list(oneOf(SNAPSHOTTERS, 'snapshotter'), { unique: true })),
  installed: req(list(oneOf(SNAPSHOTTERS, 'snapshotter'), { unique: true })),
});

const operatorInstall = obj({
  method: req(literal('operator')),
  hypervisorDebug: req(bool()),
  snapshotters: req(snapshotters()),
  namespace: req(text()),
  namePrefix: req(text()),
  operatorKustomization: req(text()),
  workerLabel: req(obj({ key: req(text()), value: req(text()) })),
  overlays: req(
    record(
      obj({
        kustomization: req(text()),
        ccRuntime: req(text()),
        runtimeClasses: req(list(text(), { minItems: 1, unique: true })),
        defaultRuntimeClassHandler: opt(text()),
        snapshotter: opt(text()),
        runtimeClassConfig: opt(record(obj({ snapshotter: req(str()), pullType: req(str()) }))),
        nodeLabels: req(record(text())),
      }),
    ),
  ),
  readiness: req(
    obj({
      controllerPodPrefix: req(text()),
      controllerTimeoutSeconds: req(seconds()),
      installed: req(union('by', {
        'daemon-pods': obj({ by: req(literal('daemon-pods')), pods: req(list(text(), { minItems: 1 })), timeoutSeconds: req(seconds()) }),
        'ccruntime-status': obj({ by: req(literal('ccruntime-status')), timeoutSeconds: req(seconds()) }),
      })),
      runtimeClassTimeoutSeconds: req(seconds()),
      stabilisation: req(obj({ unchangedPolls: req(int(1)), intervalSeconds: req(seconds()), maxPolls: req(int(1)) })),
    }),
  ),
  uninstall: req(list(uninstallStep, { minItems: 1 })),
});

const helmInstall = obj({
  method: req(literal('helm')),
  hypervisorDebug: req(bool()),
  snapshotters: req(snapshotters()),
  debugValue: req(text()),
  chart: req(text()),
  version: opt(text()),
  releaseName: req(text()),
  namespace: req(text()),
  // Helm values are free-form; only their being a map is checked.
  values: opt(record(anything())),
  valuesByArch: opt(record(record(anything()), { enum: ARCHES, noun: 'architecture' })),
  runtimeClasses: req(record(list(text(), { minItems: 1 }))),
  readinessTimeoutSeconds: req(seconds()),
});

const perArch = () => record(text(), { enum: ARCHES, noun: 'architecture' });

/** KATA_HYPERVISOR values as kata's confidential_kbs.sh compares them: exact, or a prefix with a trailing `*`. */
const kataHypervisors = () => list(str({ pattern: /^[a-z0-9-]+\*?$/, patternHint: 'a KATA_HYPERVISOR like "qemu-tdx" or a prefix like "qemu-se*"' }), { minItems: 1, unique: true });

const kbsFileEdit = union('edit', {
  append: obj({ file: req(text()), edit: req(literal('append')), after: req(text()), line: req(text()) }),
  substitute: obj({ file: req(text()), edit: req(literal('substitute')), find: req(text()), replace: req(str()) }),
});

const kbsDeployDirs = obj({
  default: req(perArch()),
  tdx: opt(union('kind', {
    'custom-pccs': obj({
      kind: req(literal('custom-pccs')), kataHypervisors: req(kataHypervisors()), dir: req(text()), qcnlConfig: req(text()), useSecureCert: req(bool()),
    }),
    ita: obj({
      kind: req(literal('ita')), kataHypervisors: req(kataHypervisors()), dir: req(text()), image: req(text()), configFile: req(text()),
      keyPlaceholder: req(text()), edits: opt(list(kbsFileEdit, { minItems: 1 })),
    }),
  })),
  se: opt(obj({
    kataHypervisors: req(kataHypervisors()),
    dir: req(text()),
    keyDir: opt(text()),
    persistentVolume: opt(text()),
    credentialFiles: req(list(text(), { minItems: 1, unique: true })),
    skipCertsVerification: req(bool()),
  })),
});

const kbs = obj({
  ref: req(text()),
  image: req(text()),
  baseImageName: req(text()),
  kustomizeDir: req(text()),
  overlays: req(perArch()),
  deployDirs: req(kbsDeployDirs),
  nvidiaVerifier: opt(obj({
    kataHypervisors: req(kataHypervisors()),
    configFile: req(text()),
    table: req(str({ pattern: /^[a-z_]+(\.[a-z_]+)*$/, patternHint: 'a dotted TOML table like "attestation_service.verifier_config.nvidia_verifier"' })),
    type: req(text()),
  })),
  persistentVolumes: req(perArch()),
  namespace: req(text()),
  deployment: req(text()),
  service: req(text()),
  port: req(int(1)),
  apiPrefix: req(text()),
  protocolVersion: req(text()),
  adminAuth: req(
    obj({
      style: req(oneOf(['ed25519-jwt', 'ed25519-jwt-role'], 'admin auth style')),
      claims: req(list(oneOf(['iat', 'exp', 'nbf'], 'admin token claim'), { minItems: 1, unique: true })),
      validitySeconds: req(seconds()),
      clockSkewSeconds: req(int(0)),
      config: req(oneOf(['auth-public-key', 'admin-section', 'admin-personas'], 'admin configuration')),
      verifier: req(oneOf(['jwt-simple', 'jsonwebtoken'], 'admin token verifier')),
      attestationPolicyAuthenticated: opt(bool()),
    }),
  ),
  resourceDelete: req(bool()),
  bodyLimitBytes: req(obj({ resource: req(int(1)), policy: req(int(1)) })),
  policies: req(obj({
    regoDialect: req(oneOf(['v0', 'v1'], 'Rego dialect')),
    storage: req(oneOf(['file', 'checked-file', 'policy-engine'], 'resource policy storage')),
    resourceInput: req(union('shape', {
      'path-string': obj({ shape: req(literal('path-string')), resourcePathPrefix: req(str()) }),
      structured: obj({ shape: req(literal('structured')) }),
    })),
    attesterInput: req(obj({ sample: req(record(anything())), tee: req(record(anything())) })),
    defaultResourcePolicy: req(text()),
    allowAll: req(text()),
    denyAll: req(text()),
    suiteResourcePolicy: req(obj({ tee: req(text()), nonTee: req(text()), gpu: opt(text()) })),
    confidentialHardware: req(obj({ kataHypervisors: req(kataHypervisors()) })),
    confidentialGpuHardware: opt(obj({ kataHypervisors: req(kataHypervisors()) })),
  })),
  healthCheckExpects: req(text()),
});

const guestComponents = obj({
  kbsConfig: req(oneOf(['kernel-params', 'init-data'], 'KBS configuration style')),
  annotations: req(obj({ runtimeHandler: req(text()), kernelParams: req(text()), agentPolicy: req(text()) })),
  initData: opt(obj({
    annotation: req(text()),
    version: req(text()),
    algorithm: req(text()),
    encoding: req(oneOf(['gzip-base64'], 'init-data encoding')),
    aaToml: req(text()),
    cdhToml: req(text()),
    cdhImageKeys: opt(obj({ registryAuth: opt(text()), imagePolicy: opt(text()) })),
    failureTexts: req(obj({ imageRejected: req(failureText()), withoutInitData: req(failureText()) })),
    withoutInitDataFailsAt: opt(oneOf(INIT_DATA_FAILURE_STEPS, 'step where a pod without init-data fails')),
  })),
  kernelParams: req(
    obj({ kbc: req(text()), restApiResource: req(text()), procsCdh: req(text()), registryAuth: req(text()) }),
  ),
  allowAllAgentPolicy: opt(obj({ kataHypervisors: req(kataHypervisors()) })),
  sealedSecret: req(
    obj({
      encoding: req(oneOf(['base64-standard', 'base64url-nopad', 'es256-jws'], 'sealed secret encoding')),
      header: req(text()),
      signature: req(text()),
      payloadVersion: req(text()),
      signingKeyPath: opt(text()),
    }),
  ),
  cdhResourceEndpoint: req(text()),
  resourcePaths: req(
    obj({ attestationKey: req(text()), encryptionKey: req(text()), credentials: req(text()), sealedSecret: req(text()) }),
  ),
  failureTexts: req(
    obj({
      encryptedImageNoKey: req(failureText()),
      encryptedImageWrongKey: req(failureText()),
      authenticatedRegistryWrongCredentials: req(failureText()),
      authenticatedRegistryNoCredentials: req(failureText()),
      teeNotEnabled: req(failureText()),
    }),
  ),
  signedImages: opt(
    obj({
      valuesFrom: opt(str(RELEASE_TAG)),
      securityPolicyPath: req(text()),
      cosignKeyPath: req(text()),
      kernelParams: req(obj({ imagePolicy: req(text()), signatureVerification: req(text()) })),
      failureTexts: req(
        obj({
          unsignedImage: req(failureText()),
          wrongKey: req(failureText()),
        }),
      ),
    }),
  ),
});

const teeProbe = obj({
  name: req(str({ pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'a platform id like "tdx"' })),
  command: req(list(text(), { minItems: 1 })),
  expect: req(text()),
});

/** Another kata shim for the same platform (kata's runtime-rs twin of a Go shim): listed where kata-deploy at the
 *  release's kata ref carries it; `shipped` when the release's install creates its runtime class. */
export const RUNTIME_VARIANT_ID = { pattern: /^(?!default$)[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'a kebab-case variant id like "runtime-rs" (not "default": the platform\'s own runtime class)' };
const runtimeVariant = obj({
  runtimeClass: req(text()),
  handler: req(text()),
  kataHypervisor: req(str({ pattern: /^[a-z0-9-]+$/, patternHint: 'a KATA_HYPERVISOR like "qemu-tdx-runtime-rs"' })),
  shipped: req(bool()),
  note: opt(text()),
});

const secureImage = obj({
  rebuild: opt(obj({
    kataHypervisors: req(kataHypervisors()),
    runtimeConfig: req(text()),
    runtimeCli: req(text()),
    kernel: req(text()),
    initrd: req(text()),
    image: req(text()),
    appendedParams: req(text()),
    // Expanded by the node shell unquoted (lib/manifests/secure-image-rebuild.ts): name characters and `*` only.
    hostKeyDocuments: req(str({ pattern: /^[A-Za-z0-9._*-]+$/, patternHint: 'a file-name pattern like "HKD-*.crt" (letters, digits, . _ - *)' })),
    verification: req(list(text())),
    legacyPcf: req(obj({ below: req(text()), args: req(list(text(), { minItems: 1 })) })),
    kbsHeader: req(text()),
  })),
  note: opt(text()),
});

const platformSpec = obj({
  name: req(text()),
  shortName: req(text()),
  runtimeClass: req(text()),
  handler: req(text()),
  arches: req(list(oneOf(ARCHES, 'architecture'), { minItems: 1, unique: true })),
  tee: req(bool()),
  teeKind: opt(oneOf(TEE_KINDS, 'TEE kind')),
  gpu: opt(obj({ vendor: req(text()), model: req(text()), resource: opt(text()), cdiAnnotation: opt(record(text())) })),
  overlay: opt(text()),
  shipped: req(bool()),
  note: opt(text()),
  teeEvidence: opt(list(teeProbe, { minItems: 1 })),
  runtimeVariants: opt(record(runtimeVariant)),
  secureImage: opt(secureImage),
});

const claim = obj({
  status: req(oneOf(CLAIM_STATUSES, 'claim status')), note: opt(text()), issue: opt(text()), notTestedUpstream: opt(text()),
});

const limitation = obj({
  id: req(str({ pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'a kebab-case id like "signed-images-not-supported"' })),
  text: req(text()),
  features: req(list(feature(), { unique: true })),
  platforms: opt(list(platform(), { minItems: 1, unique: true })),
  nonDiscriminating: opt(list(text(), { minItems: 1, unique: true })),
  issue: opt(text()),
});

const testedStack = obj({
  platform: req(platform()),
  hardware: opt(text()),
  processor: opt(text()),
  kernel: req(text()),
  kernelUrl: opt(text()),
  os: req(text()),
  kubernetes: req(text()),
  distro: req(text()),
  kustomize: opt(text()),
});

const guestProtection = obj({
  agentPolicy: req(
    obj({
      carrier: req(oneOf(['annotation', 'init-data'] as const, 'policy carrier')),
      refusedText: req(text()),
      genpolicy: opt(
        obj({
          args: req(list(text(), { minItems: 1 })),
          configMapArgs: req(list(text())),
          writesAnnotation: req(text()),
          failureCases: req(list(oneOf(POLICY_FAILURE_CASES, 'policy failure case'), { unique: true })),
          postStartEvent: req(text()),
        }),
      ),
    }),
  ),
  trustedStorage: req(
    obj({
      imageClaim: opt(text()),
      workloadClaim: opt(text()),
      workload: req(
        obj({
          valuesFrom: opt(str(RELEASE_TAG)),
          emptyDirMode: req(text()),
          image: req(text()),
          mountPath: req(text()),
          cryptsetupStatus: req(list(text(), { minItems: 1 })),
          hostDiskImage: req(text()),
        }),
      ),
      image: req(
        obj({
          valuesFrom: opt(str(RELEASE_TAG)),
          devicePath: req(text()),
          guestMountPoint: req(text()),
          annotations: opt(record(text())),
          loopFileMegabytes: req(int(1)),
          pvCapacity: req(text()),
          pvcRequest: req(text()),
          luksHeader: req(oneOf(['on-device', 'in-guest-memory'] as const, 'LUKS header placement')),
          cipher: req(text()),
          integrity: opt(text()),
        }),
      ),
    }),
  ),
  measuredRootfs: req(
    obj({
      valuesFrom: opt(str(RELEASE_TAG)),
      override: req(union('kind', {
        'kernel-params': obj({ kind: req(literal('kernel-params')), annotation: req(text()), template: req(text()) }),
        'kernel-verity-params': obj({ kind: req(literal('kernel-verity-params')), annotation: req(text()), shimConfig: req(text()) }),
      })),
      wrongHash: req(str({ pattern: /^[0-9a-f]{64}$/, patternHint: 'a sha256 hex digest' })),
      staysCreatingSeconds: req(seconds()),
      journal: req(obj({ identifier: req(text()), pattern: req(text()), needs: req(text()) })),
    }),
  ),
});

const candidate = obj({
  from: req(str(RELEASE_TAG)),
  kataRef: req(text()),
  versionsYaml: req(text()),
  review: req(list(obj({ path: req(text()), why: req(text()) }))),
});

export const RELEASE_PROFILE_SCHEMA = obj({
  schemaVersion: req(literal(1)),
  release: req(str(RELEASE_TAG)),
  releaseDate: req(str({ pattern: /^\d{4}-\d{2}-\d{2}$/, patternHint: 'a date like "2024-07-26"' })),
  notesUrl: req(text()),
  components: req(components),
  install: req(union('method', { operator: operatorInstall, helm: helmInstall })),
  kbs: req(kbs),
  guestComponents: req(guestComponents),
  platforms: req(record(platformSpec)),
  claims: req(record(record(claim), { enum: FEATURES, noun: 'feature', requireAll: true })),
  limitations: req(list(limitation)),
  testedStacks: req(list(testedStack)),
  timeouts: req(
    obj({
      podReadySeconds: req(seconds()),
      podFailedSeconds: req(seconds()),
      runtimeClassSeconds: req(seconds()),
      kbsReadySeconds: req(seconds()),
      testSeconds: req(seconds()),
    }),
  ),
  testImages: req(
    obj({
      attestation: req(text()),
      encrypted: req(text()),
      encryptionKeyBase64: req(text()),
      wrongKeyBase64: req(text()),
      busybox: req(text()),
      authenticated: req(text()),
      gpu: opt(text()),
      unsigned: opt(obj({ image: req(text()), archTagSuffix: req(bool()) })),
    }),
  ),
  guestProtection: req(guestProtection),
  candidate: opt(candidate),
});
