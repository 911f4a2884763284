import { join, relative, sep } from 'node:path';
import type { KbsIbmSeDeploy, KbsRecipe, KbsTdxDeploy } from '../../matrix/release-profile.ts';
import type { Arch, PlatformId } from '../../matrix/vocabulary.ts';

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

/** The release's deploy directory for a platform: its own entry (tdx, se) when it has one, else default[arch]. */
export function kbsDeployPlan(recipe: KbsRecipe, platform: PlatformId, arch: Arch): KbsDeployPlan {
  const { tdx, se } = recipe.deployDirs;
  if (platform === 'tdx' && tdx) return { platform: 'tdx', dir: tdx.dir, tdx };
  if (platform === 'se' && se) return { platform: 'se', dir: se.dir, se };
  const dir = recipe.deployDirs.default[arch];
  if (!dir) throw new Error(`failed to deploy KBS: release names no trustee deploy directory for ${arch} (kbs.deployDirs.default)`);
  return { platform: 'default', dir };
}

/** Where everything of trustee's kustomize lives inside a checkout, for one platform and arch. */
export function kbsPaths(checkout: string, recipe: KbsRecipe, platform: PlatformId, arch: Arch) {
  const root = join(checkout, recipe.kustomizeDir);
  const overlay = recipe.overlays[arch];
  if (!overlay) throw new Error(`failed to deploy KBS: release names no trustee overlay for ${arch} (kbs.overlays)`);
  const plan = kbsDeployPlan(recipe, platform, arch);
  const persistentVolume = recipe.persistentVolumes[arch];
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
