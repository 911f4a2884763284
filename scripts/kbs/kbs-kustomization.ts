import { stringify } from 'yaml';
import { HARNESS_LABEL_KEY, HARNESS_LABEL_VALUE } from '../providers/shared/harness-labels.ts';
import { KBS_IMAGE_PLACEHOLDER, splitImage } from './kbs-recipe-paths.ts';

/** A kustomization of the harness's own on top of trustee's nodeport/<arch>: pins the release's KBS image and labels
 *  everything (namespace included) as the harness's, so teardown of an existing cluster removes exactly this. */
export function kbsKustomization(nodeportDir: string, image: string): string {
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [nodeportDir],
    images: [{ name: KBS_IMAGE_PLACEHOLDER, ...splitImage(image) }],
    labels: [{ pairs: { [HARNESS_LABEL_KEY]: HARNESS_LABEL_VALUE }, includeSelectors: false }],
  });
}
