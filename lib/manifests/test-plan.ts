import type { FailureText } from '../../matrix/release-profile.ts';
import type { KubeManifest } from './kube-object.ts';

/** A KBS admin call a test makes before its pods start, in the order it makes them. A resource value is text: JSON
 *  or a plain string stored as is (encoding utf8, the default), or binary written as base64 (encoding base64), which
 *  KBS receives decoded. Image keys are binary: kata 3.7.0 k8s-guest-pull-image-encrypted.bats stores them with
 *  kbs_set_resource_base64, so KBS holds the 32 raw bytes the guest uses as the AES key. */
export type KbsStep =
  | {
      op: 'set-resource'; path: string;
      /** the resource itself (utf8), or the base64 of its bytes (base64) */
      value: string;
      encoding?: 'utf8' | 'base64';
      /** Whether the value must never be written anywhere (registered for redaction and the secret scan). False
       *  only for what is public by nature — a policy, a public key, a value published in upstream's bats — which
       *  would otherwise "leak" through the test source and plan notes that quote it. */
      secret: boolean;
      why: string;
    }
  | { op: 'delete-resource'; path: string; why: string }
  | { op: 'set-resource-policy'; rego: string; why: string }
  | { op: 'set-attestation-policy'; rego: string; why: string };

type SetResourceStep = Extract<KbsStep, { op: 'set-resource' }>;

/** The bytes KBS is given for a set-resource step: the text itself, or the decoded bytes of a base64 value. */
export function resourceBytes(step: SetResourceStep): Buffer {
  return step.encoding === 'base64' ? Buffer.from(step.value, 'base64') : Buffer.from(step.value, 'utf8');
}

/** An image the test prepares before its pods start (self-built images only). */
export interface ImageStep {
  op: 'encrypt';
  source: string;
  destination: string;
  /** base64 of the 32-byte key; the KBS steps decide whether it is ever released. */
  keyBase64: string;
  /** kbs:///<path> — the key id written into the layer annotation. */
  kid: string;
}

/** Everything a test sets up, as data: the suites execute it, the dry-run writes it. One function per test id
 *  renders it (lib/manifests/plans), so the two can never drift apart. */
export interface TestPlan {
  testId: string;
  kbs: KbsStep[];
  images: ImageStep[];
  /** Applied in order (secrets before the pods that use them). */
  manifests: KubeManifest[];
  /** Pods that must be Ready before the manifests after them are applied (upstream's runc pod before the kata pod). */
  readyBeforeNext?: string[];
  /** The pod whose fate the test asserts. */
  pod: string;
  /** Text the pod prints once it has done its work (a wait on the log replaces upstream's fixed sleeps). */
  doneMarker?: string;
  /** Plan-level facts for the test's assertions (expected values, paths). */
  expect: Record<string, string>;
  /** The failure text a negative test looks for where the release supports the feature: the fragments that must all
   *  appear, and the channel they surface in (the profile's, for this release). */
  failureText?: FailureText;
  /** Why the plan deviates from upstream here, for the reader of the dry-run. */
  notes: string[];
  /** Agent-policy tests: the policy the runner's genpolicy generates before anything is applied. */
  generatedPolicy?: GeneratedPolicy;
  /** What the test does as root on the node (upstream's exec_host), before and after its objects. */
  node?: NodeSteps;
  /** IBM SE: the node's secure image is rebuilt with the pod's kernel parameters by `node` (secure-image-rebuild.ts). */
  secureImageRebuild?: SecureImageRebuildStep;
}

/** The rebuild as the plan records it: what the image is sealed with, and what the runner has not given. */
export interface SecureImageRebuildStep {
  /** The pod's kernel_params annotation value, which upstream passes to repack_secure_image. */
  kernelParams: string;
  /** The line genprotimg's parmfile holds: the value, then what build_secure_image appends. */
  commandLine: string;
  /** genprotimg runs on the SE node only (s390x): the plan holds the command the runner executes, nothing here
   *  imitates it. */
  executedBy: 'the IBM SE runner (genprotimg, s390-tools) through the node shell';
  /** Runner inputs not given, each with what it is for; a suite skips the test on such a runner with these. */
  missingInputs: string[];
}

/** Commands run on the tested node through the node shell (lib/node-shell): `setup` before anything is applied — with
 *  a `placeholder`, its output, trimmed, is a value only the node knows (the loop device it created), which replaces
 *  the placeholder in the manifests; `cleanup` after the test, whatever its outcome, so the node keeps nothing. */
export interface NodeSteps {
  why: string;
  setup: string[];
  placeholder?: string;
  cleanup: string[];
}

/** The manifests with the node's value in place of the placeholder, wherever a string holds it. */
export function withNodeValue<T>(manifests: readonly T[], placeholder: string, value: string): T[] {
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') return node.replaceAll(placeholder, value);
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    return node;
  };
  return manifests.map((m) => fill(m) as T);
}

/** What stands in the pod's policy annotation until genpolicy has run (the dry-run shows it). */
export const GENERATED_POLICY_PLACEHOLDER = '<the policy genpolicy generates for the intended pod, at run time>';

/** kata's auto_generate_policy (tests_common.sh): genpolicy runs on `generateFor` — the pod and its config map as the
 *  policy intends them — and the annotation it writes there is copied onto the plan's pod in `manifests` (which may
 *  differ: the "Policy failure" cases change it afterwards), replacing GENERATED_POLICY_PLACEHOLDER. */
export interface GeneratedPolicy {
  generateFor: KubeManifest[];
  /** genpolicy's arguments, ${POD_YAML}, ${SETTINGS_DIR}, ${CONFIGMAP_YAML} still to fill (the profile's). */
  args: string[];
  configMapArgs: string[];
  /** The annotation genpolicy writes. */
  annotation: string;
}
