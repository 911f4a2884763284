import { join } from 'node:path';
import type { KbsRecipe } from '../../matrix/release-profile.ts';
import type { Arch } from '../../matrix/vocabulary.ts';

export const TRUSTEE_REPOSITORY = 'https://github.com/confidential-containers/trustee';
/** The kustomize image name trustee's kustomization uses as a placeholder for the KBS image. */
export const KBS_IMAGE_PLACEHOLDER = 'kbs-container-image';

/** Where everything of trustee's kustomize lives inside a checkout, for one arch. deploy-kbs.sh with
 *  DEPLOYMENT_DIR=nodeport applies nodeport/<arch>, which builds on overlays/<arch> and patches the service type. */
export function kbsPaths(checkout: string, recipe: KbsRecipe, arch: Arch) {
  const root = join(checkout, recipe.kustomizeDir);
  const overlay = recipe.overlays[arch];
  if (!overlay) throw new Error(`failed to deploy KBS: release names no trustee overlay for ${arch} (kbs.overlays)`);
  return {
    root,
    overlayDir: join(root, overlay),
    keyBin: join(root, overlay, 'key.bin'),
    adminKey: join(root, 'base', 'kbs.key'),
    adminPublicKey: join(root, 'base', 'kbs.pem'),
    nodeportDir: join(root, 'nodeport', arch),
  };
}

/** "registry/name:tag" → kustomize's newName/newTag (a port in the registry host is not a tag). */
export function splitImage(image: string): { newName: string; newTag?: string } {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? { newName: image.slice(0, colon), newTag: image.slice(colon + 1) } : { newName: image };
}
