import { isAbsolute } from 'node:path';
import { parse, stringify } from 'yaml';
import { HARNESS_LABEL_KEY, HARNESS_LABEL_VALUE } from '../../fixtures/cluster/harness-labels.ts';
import { KBS_IMAGE_PLACEHOLDER, splitImage } from './kbs-recipe-paths.ts';

export interface KbsKustomizationInput {
  /** The trustee directory to build on, relative to the kustomization's own directory. */
  resource: string;
  /** The name the KBS image carries after trustee's base rename (kbs.baseImageName). */
  baseImageName: string;
  /** The image to pin (kbs.image). */
  image: string;
  /** IBM SE: the SE_SKIP_CERTS_VERIFICATION value to set on the kbs container. */
  seSkipCertsVerification?: boolean;
}

/** A kustomization of the harness's own on top of trustee's deploy directory: pins the release's KBS image and
 *  labels everything (namespace included) as the harness's, so teardown of an existing cluster removes exactly this. */
export function kbsKustomization(input: KbsKustomizationInput): string {
  // kustomize refuses an absolute resource ("new root … cannot be absolute"): the old harness bug.
  if (isAbsolute(input.resource)) throw new Error(`failed to write the KBS kustomization: resource ${input.resource} is absolute`);
  const patches = input.seSkipCertsVerification === undefined ? [] : [seSkipCertsPatch(input.seSkipCertsVerification)];
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [input.resource],
    // An overlay's `images:` matches the image name as its base left it; trustee's base already renamed the
    // placeholder (base/kustomization.yaml:5-8), so naming the placeholder here would pin nothing.
    images: [{ name: input.baseImageName, ...splitImage(input.image) }],
    ...(patches.length ? { patches } : {}),
    labels: [{ pairs: { [HARNESS_LABEL_KEY]: HARNESS_LABEL_VALUE }, includeSelectors: false }],
  });
}

/** kata's confidential_kbs.sh:279-281 (3.7.0) seds overlays/s390x/patch.yaml's SE_SKIP_CERTS_VERIFICATION "false" to
 *  "true"; a strategic-merge patch on the same env entry does it without editing trustee's file. */
function seSkipCertsPatch(skip: boolean) {
  const patch = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kbs' },
    spec: { template: { spec: { containers: [{ name: 'kbs', env: [{ name: 'SE_SKIP_CERTS_VERIFICATION', value: String(skip) }] }] } } },
  };
  return { target: { kind: 'Deployment', name: 'kbs' }, patch: stringify(patch) };
}

/** The KBS image name after trustee's base kustomization: its `images:` entry for the placeholder renames it
 *  (newName), or leaves the placeholder as it is. */
export function renamedKbsImage(baseKustomizationText: string): string {
  const doc = parse(baseKustomizationText) as { images?: Array<{ name?: string; newName?: string }> } | null;
  const entry = doc?.images?.find((image) => image.name === KBS_IMAGE_PLACEHOLDER);
  return entry?.newName ?? KBS_IMAGE_PLACEHOLDER;
}

/** A real run reads trustee's base/kustomization.yaml at the pinned ref: a profile whose baseImageName no longer
 *  matches the rename would deploy trustee's default image without a word. */
export function checkBaseImageName(baseKustomizationText: string, baseImageName: string, file: string): void {
  const renamed = renamedKbsImage(baseKustomizationText);
  if (renamed !== baseImageName) {
    throw new Error(`failed to pin the KBS image: ${file} names the KBS image ${renamed}, but kbs.baseImageName is ${baseImageName}`);
  }
}
