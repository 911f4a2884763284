import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSecret } from '../exec/redact.ts';
import { buildUniqueTestImage, encryptImage } from '../images/index.ts';
import type { KbsAdminClient } from '../kbs/index.ts';
import { resourceBytes, type KbsStep, type TestPlan } from '../manifests/test-plan.ts';
import type { ClusterClient } from './cluster-client.ts';

/** Makes a plan's KBS calls in order. The same function drives the real admin client and the dry-run's recording one. */
export async function applyKbsSteps(admin: KbsAdminClient, steps: readonly KbsStep[]): Promise<void> {
  for (const step of steps) {
    if (step.op === 'set-resource') {
      if (step.secret) registerSecret(step.value, `kbs ${step.path}`);
      await admin.setResource(step.path, resourceBytes(step));
    } else if (step.op === 'delete-resource') {
      await admin.deleteResource(step.path);
    } else if (step.op === 'set-resource-policy') {
      await admin.setResourcePolicy(step.rego);
    } else {
      await admin.setAttestationPolicy(step.rego);
    }
  }
}

export interface PlanTargets {
  cluster: ClusterClient;
  /** Absent when the runner has no KBS admin key; then a plan with KBS steps fails with `kbsProblem`. */
  kbs?: KbsAdminClient;
  kbsProblem?: string;
  /** skopeo with key-provider support, for plans that encrypt an image. */
  skopeo?: string;
}

/** Executes a plan's setup: KBS calls, then images, then manifests (secrets before pods). */
export async function applyTestPlan(plan: TestPlan, targets: PlanTargets): Promise<void> {
  if (plan.kbs.length) {
    if (!targets.kbs) throw new Error(`failed to set up ${plan.testId}: ${targets.kbsProblem ?? 'no KBS admin client'}`);
    await applyKbsSteps(targets.kbs, plan.kbs);
  }
  for (const image of plan.images) {
    if (!targets.skopeo) throw new Error(`failed to encrypt ${image.destination}: no skopeo in the suite environment (images.skopeo)`);
    await encryptUniqueImage(image, targets.skopeo);
  }
  for (const manifest of plan.manifests) {
    await targets.cluster.apply([manifest]);
    if (manifest.kind === 'Pod' && plan.readyBeforeNext?.includes(manifest.metadata.name)) {
      await targets.cluster.waitFor.podReady(manifest.metadata.namespace, manifest.metadata.name);
    }
  }
}

/** Encrypts a freshly built image with content of its own (see buildUniqueTestImage for why the plan's plain
 *  source must not be encrypted as is). The token is the destination tag, unique per test. */
async function encryptUniqueImage(image: TestPlan['images'][number], skopeo: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'coco-unique-image-'));
  try {
    const token = (image.destination.split(':').pop() ?? 'x').replace(/[^a-z0-9]/gi, '').toLowerCase();
    const unique = await buildUniqueTestImage(work, token);
    await encryptImage({ source: `oci-archive:${unique.archive}`, destination: image.destination, keyBase64: image.keyBase64, kid: image.kid, skopeo });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
