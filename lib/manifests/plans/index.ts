import { catalogTest, podKernelParams, TEST_CATALOG } from '../../../matrix/index.ts';
import { withSecureImageRebuild } from '../secure-image-rebuild.ts';
import type { ManifestContext } from '../render-context.ts';
import type { TestPlan } from '../test-plan.ts';
import { attestationPlan, gpuAttestationPlan } from './attestation.ts';
import { registryPlan } from './authenticated-registries.ts';
import { encryptedImagePlan } from './encrypted-images.ts';
import { initDataPlan } from './init-data.ts';
import { guestPullPlan, initContainerPlan } from './guest-pull.ts';
import { sealedSecretPlan } from './sealed-secrets.ts';
import { signedImagePlan } from './signed-images.ts';
import { teeEvidencePlan } from './tee-evidence.ts';
import { execRefusedPlan, generatedPolicyPlan } from './agent-policy.ts';
import { trustedStoragePlan } from './trusted-storage.ts';
import { trustedImageStoragePlan } from './trusted-image-storage.ts';
import { measuredRootfsPlan } from './measured-rootfs.ts';
import { POLICY_FAILURE_CASES } from '../../../matrix/index.ts';

type PlanFunction = (testId: string, ctx: ManifestContext) => TestPlan;

/** The setup of every catalog test, by id. Suites and the dry-run both call planFor(), so what the dry-run writes
 *  is exactly what the suite applies. */
const PLANS: Record<string, PlanFunction> = {
  'attestation/resource-released-allow-all': (id, ctx) => attestationPlan(id, ctx, 'allow'),
  'attestation/resource-withheld-deny-all': (id, ctx) => attestationPlan(id, ctx, 'deny'),
  'attestation/deleted-resource-gone': (id, ctx) => attestationPlan(id, ctx, 'deleted'),
  'attestation/gpu-attested': gpuAttestationPlan,
  'encrypted-image/no-key-fails': (id, ctx) => encryptedImagePlan(id, ctx, 'no-key'),
  'encrypted-image/right-key-runs': (id, ctx) => encryptedImagePlan(id, ctx, 'right-key'),
  'encrypted-image/wrong-key-fails': (id, ctx) => encryptedImagePlan(id, ctx, 'wrong-key'),
  'encrypted-image/wrong-length-key-fails': (id, ctx) => encryptedImagePlan(id, ctx, 'wrong-length-key'),
  'authenticated-registry/right-credentials-run': (id, ctx) => registryPlan(id, ctx, 'right'),
  'authenticated-registry/wrong-credentials-fail': (id, ctx) => registryPlan(id, ctx, 'wrong-password'),
  'authenticated-registry/no-credentials-fail': (id, ctx) => registryPlan(id, ctx, 'none'),
  'authenticated-registry/credentials-exposed-to-host': (id, ctx) => registryPlan(id, ctx, 'kbs-only'),
  'sealed-secret/unsealed-with-resource': (id, ctx) => sealedSecretPlan(id, ctx, 'env'),
  'sealed-secret/stays-sealed-without-resource': (id, ctx) => sealedSecretPlan(id, ctx, 'env-without-resource'),
  'sealed-secret/unsealed-as-file': (id, ctx) => sealedSecretPlan(id, ctx, 'file'),
  'guest-pull/not-unpacked-on-host': guestPullPlan,
  'guest-pull/init-container-shared-volume': initContainerPlan,
  'tee-evidence/guest-is-tee': teeEvidencePlan,
  'signed-images/unsigned-image-rejected': (id, ctx) => signedImagePlan(id, ctx, 'unsigned'),
  'signed-images/signed-image-runs': (id, ctx) => signedImagePlan(id, ctx, 'signed'),
  'signed-images/unsigned-accept-anything-runs': (id, ctx) => signedImagePlan(id, ctx, 'unsigned-accept-anything'),
  'signed-images/wrong-key-rejected': (id, ctx) => signedImagePlan(id, ctx, 'wrong-key'),
  'signed-images/no-policy-runs': (id, ctx) => signedImagePlan(id, ctx, 'no-policy'),
  'init-data/kbs-from-init-data': (id, ctx) => initDataPlan(id, ctx, 'with-init-data'),
  'init-data/no-kbs-without-init-data': (id, ctx) => initDataPlan(id, ctx, 'without'),
  'agent-policy/exec-refused': execRefusedPlan,
  'agent-policy/generated-policy-runs': (id, ctx) => generatedPolicyPlan(id, ctx, 'intended'),
  ...Object.fromEntries(POLICY_FAILURE_CASES.map((which) =>
    [`agent-policy/refused-${which}`, (id: string, ctx: ManifestContext) => generatedPolicyPlan(id, ctx, which)])),
  'trusted-storage/luks-emptydir': trustedStoragePlan,
  'trusted-storage/host-sees-no-data': trustedStoragePlan,
  'trusted-image-storage/image-store-encrypted': trustedImageStoragePlan,
  'measured-rootfs/wrong-root-hash-refused': measuredRootfsPlan,
};

export function planFor(testId: string, ctx: ManifestContext): TestPlan {
  const render = PLANS[testId];
  if (!render) throw new Error(`no setup plan for conformance test "${testId}" (lib/manifests/plans/index.ts)`);
  // A pod that needs its own kernel parameters on a platform booting them from its secure image (IBM SE) gets them
  // as upstream gives them: annotated, and the image rebuilt with the same value first (matrix/secure-image.ts).
  const params = catalogTest(testId).requires?.includes('pod-kernel-params') ? podKernelParams(ctx.profile, ctx.platform) : undefined;
  if (params?.via !== 'rebuild') return render(testId, ctx);
  const rebuilt = { ...ctx, rebuildsSecureImage: true };
  return withSecureImageRebuild(render(testId, rebuilt), rebuilt, params.rebuild);
}

/** Catalog ids that have no plan (a self-test keeps this empty). */
export function unplannedTestIds(): string[] {
  return TEST_CATALOG.map((t) => t.id).filter((id) => !PLANS[id]);
}

export { sandboxDir } from './guest-pull.ts';
export { authenticatedImage } from './authenticated-registries.ts';
export { signedImageFacts, type SignedImage } from './signed-images.ts';
export { teeEvidenceVerdict } from './tee-evidence.ts';
export { hostEmptyDirPath } from './trusted-storage.ts';
export { IMAGE_PLAINTEXT_NEEDLE, LOOP_DEVICE_PLACEHOLDER, loopFilePath } from './trusted-image-storage.ts';
export { kataHypervisor, withWrongRootHash, NODE_VERITY_PARAMS_PLACEHOLDER } from './measured-rootfs.ts';
