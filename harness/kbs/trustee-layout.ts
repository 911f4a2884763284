/** Trustee's kustomize layout at the release's ref, and the harness's own kustomization over it. */
import { isAbsolute, join, relative, sep } from 'node:path';
import { parse, stringify } from 'yaml';
import { HARNESS_LABEL_KEY, HARNESS_LABEL_VALUE } from '../../lib/cluster/index.ts';
import { selectsHandler } from '../../matrix/index.ts';
import type { KbsIbmSeDeploy, KbsRecipe, KbsTdxDeploy } from '../../matrix/release-profile.ts';
import type { Arch } from '../../matrix/vocabulary.ts';

export const TRUSTEE_REPOSITORY = 'https://github.com/confidential-containers/trustee';
/** The placeholder trustee's base/deployment.yaml:30 gives the KBS image; base/kustomization.yaml:5-8 renames it. */
export const KBS_IMAGE_PLACEHOLDER = 'kbs-container-image';
/** The harness's own kustomization lives inside trustee's kustomize root, so its resource is a short relative path
 *  (kustomize refuses an absolute one: "new root … cannot be absolute"). */
export const HARNESS_KUSTOMIZATION_DIR = 'coco-conformance';

/** The trustee directory a cell deploys, with what its platform needs on top. */
export type KbsDeployPlan =
  | { platform: 'default'; dir: string }
  | { platform: 'tdx'; dir: string; tdx: KbsTdxDeploy }
  | { platform: 'se'; dir: string; se: KbsIbmSeDeploy };

/** The release's deploy directory for a platform, chosen as kata's confidential_kbs.sh chooses it: by the
 *  KATA_HYPERVISOR of the platform's runtime class handler (the tdx entry for qemu-tdx — not for
 *  qemu-nvidia-gpu-tdx, which kata deploys like every other platform — the se entry for qemu-se), else
 *  default[arch]. */
export function kbsDeployPlan(recipe: KbsRecipe, handler: string, arch: Arch): KbsDeployPlan {
  const { tdx, se } = recipe.deployDirs;
  if (tdx && selectsHandler(tdx, handler)) return { platform: 'tdx', dir: tdx.dir, tdx };
  if (se && selectsHandler(se, handler)) return { platform: 'se', dir: se.dir, se };
  const dir = recipe.deployDirs.default[arch];
  if (!dir) throw new Error(`failed to deploy KBS: release names no trustee deploy directory for ${arch} (kbs.deployDirs.default)`);
  return { platform: 'default', dir };
}

/** Where everything of trustee's kustomize lives inside a checkout, for one platform and arch. */
export function kbsPaths(checkout: string, recipe: KbsRecipe, handler: string, arch: Arch) {
  const root = join(checkout, recipe.kustomizeDir);
  const plan = kbsDeployPlan(recipe, handler, arch);
  // The flat layout (trustee v0.11+) keeps SE apart: key.bin and the PersistentVolume go to overlays/ibm-se.
  const overlay = (plan.platform === 'se' ? plan.se.keyDir : undefined) ?? recipe.overlays[arch];
  if (!overlay) throw new Error(`failed to deploy KBS: release names no trustee overlay for ${arch} (kbs.overlays)`);
  const persistentVolume = (plan.platform === 'se' ? plan.se.persistentVolume : undefined) ?? recipe.persistentVolumes[arch];
  const kustomizationDir = join(root, HARNESS_KUSTOMIZATION_DIR);
  const deployDir = join(root, plan.dir);
  return {
    root,
    plan,
    overlayDir: join(root, overlay),
    keyBin: join(root, overlay, 'key.bin'),
    adminKey: join(root, 'base', 'kbs.key'),
    adminPublicKey: join(root, 'base', 'kbs.pem'),
    baseKustomization: join(root, 'base', 'kustomization.yaml'),
    deployDir,
    kustomizationDir,
    /** deployDir as the harness kustomization names it: relative to the kustomization's own directory. */
    deployDirFromKustomization: relative(kustomizationDir, deployDir).split(sep).join('/'),
    persistentVolume: persistentVolume ? join(root, persistentVolume) : undefined,
  };
}

/** "registry/name:tag" or "registry/name@sha256:…" → kustomize's newName plus newTag or digest (a port in the
 *  registry host is not a tag). */
export function splitImage(image: string): { newName: string; newTag?: string; digest?: string } {
  const at = image.indexOf('@');
  // A digest pins the image by itself; a tag before it ("name:tag@sha256:…") is only a hint and kustomize drops it.
  if (at >= 0) return { newName: splitImage(image.slice(0, at)).newName, digest: image.slice(at + 1) };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? { newName: image.slice(0, colon), newTag: image.slice(colon + 1) } : { newName: image };
}

export interface KbsKustomizationInput {
  /** The trustee directory to build on, relative to the kustomization's own directory. */
  resource: string;
  /** The name the KBS image carries after trustee's base rename (kbs.baseImageName). */
  baseImageName: string;
  /** The image to pin (kbs.image, or the TDX ITA build's). */
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
