import type { ExpectedOutcome } from './expected-outcome.ts';
import type { Claim, ReleaseLimitation, ReleaseProfile } from './release-profile.ts';
import type { CatalogTest, FailureSignature, Requirement } from './test-catalog.ts';
import { guestPullVoidedBy } from './pull-mode.ts';
import { podKernelParams } from './secure-image.ts';
import type { PlatformId, PullMode } from './vocabulary.ts';

/** What `test` is expected to do on `platform` under `profile` with `pullMode` (a cell's; a developer's run without a
 *  cell renders nydus pods), derived from the release's claim and the test's variant — never written per test. A
 *  pull mode that is not guest pull (host, or forced where the release's kata cannot force it) turns a supported
 *  guest-pull claim into unsupported: the release claims nothing for it. Then, in order:
 *  1. a platform the release does not define or ship → skip, with the profile's note;
 *  2. a not-applicable claim, or a requirement the release or platform lacks (catalog `requires`) → skip, with why;
 *  3. a limitation-check test → pass when the release lists its limitation (on this platform), skip otherwise;
 *  4. a supported claim → pass, unless a limitation the release lists covers the test (catalog `limitedBy`): a
 *     positive test is then expected to fail with that limitation's sentence;
 *  5. limitation / unsupported: a non-discriminating test (catalog, or a limitation naming it) → pass, marked;
 *     a negative test → pass (a misuse must still be refused); a positive test → fail, with the release-notes
 *     sentence and issue, so a limitation that starts passing is flagged. */
export function expectedOutcome(profile: ReleaseProfile, platform: PlatformId, test: CatalogTest, pullMode: PullMode = 'nydus'): ExpectedOutcome {
  const spec = profile.platforms[platform];
  const claim = claimUnderPullMode(claimFor(profile, platform, test), profile, platform, test, pullMode);
  if (!spec) {
    return { expect: 'skip', claim: claim.status, reason: `release ${profile.release} does not define platform ${platform}` };
  }
  if (!spec.shipped) {
    return { expect: 'skip', claim: claim.status, reason: spec.note ?? `release ${profile.release} does not ship ${spec.runtimeClass}` };
  }
  if (claim.status === 'not-applicable') {
    return { expect: 'skip', claim: claim.status, reason: claim.note ?? `${test.feature} does not apply to ${platform}` };
  }
  const unmet = test.requires?.map((r) => unmetRequirement(profile, platform, r, test)).find((why) => why !== undefined);
  if (unmet) return { expect: 'skip', claim: claim.status, reason: unmet };
  if (test.variant === 'limitation-check') {
    const limitation = profile.limitations.find((l) => l.id === test.limitation && appliesOn(l, platform));
    return limitation
      ? { expect: 'pass', claim: claim.status, reason: limitation.text }
      : { expect: 'skip', claim: claim.status, reason: `release ${profile.release} does not list the limitation "${test.limitation}" on ${platform}` };
  }
  const covering = test.variant === 'positive' && test.limitedBy
    ? profile.limitations.find((l) => l.id === test.limitedBy && appliesOn(l, platform))
    : undefined;
  if (covering) {
    return { expect: 'fail', claim: 'limitation', reason: covering.text, ...(covering.issue ? { issue: covering.issue } : {}),
      signature: failureSignature(test, platform) };
  }
  const upstream = claim.notTestedUpstream ? { notTestedUpstream: claim.notTestedUpstream } : {};
  if (claim.status === 'supported') return { expect: 'pass', claim: claim.status, ...upstream };

  const nonDiscriminating = test.nonDiscriminating ?? nonDiscriminatingLimitation(profile, platform, test)?.text;
  if (nonDiscriminating) return { expect: 'pass', claim: claim.status, nonDiscriminating };
  if (test.variant === 'negative') {
    return { expect: 'pass', claim: claim.status, reason: 'a negative test must pass even where the feature is not supported' };
  }
  const reason = claim.note ?? `release ${profile.release} claims ${test.feature} is ${claim.status} on ${platform}`;
  const signature = failureSignature(test, platform);
  return { expect: 'fail', claim: claim.status, reason, ...(claim.issue ? { issue: claim.issue } : {}), signature, ...upstream };
}

/** The catalog's signature of a positive test's failure; on the control platform (runc: no guest at all) its own
 *  when the catalog gives one. */
function failureSignature(test: CatalogTest, platform: PlatformId): FailureSignature {
  if (!test.failsAs) throw new Error(`catalog test ${test.id} is expected to fail but names no failure signature (failsAs)`);
  const { onControl, ...signature } = test.failsAs;
  return platform === 'control' && onControl ? onControl : signature;
}

/** A missing claim reads as "the release claims nothing" — the loader rejects profiles with gaps, so this only
 *  matters for profiles built in code. */
function claimFor(profile: ReleaseProfile, platform: PlatformId, test: CatalogTest): Claim {
  return (
    profile.claims[test.feature]?.[platform] ?? {
      status: 'unsupported',
      note: `release ${profile.release} makes no claim for ${test.feature} on ${platform}`,
    }
  );
}

/** Only a supported claim is narrowed: a limitation or no claim (control) already expects what host pull gives. Trusted
 *  image storage is the store of the images the guest pulls: where the guest pulls none it does not apply (the agent
 *  would still encrypt the device, so an expected failure would pass). */
function claimUnderPullMode(claim: Claim, profile: ReleaseProfile, platform: PlatformId, test: CatalogTest, pullMode: PullMode): Claim {
  if (claim.status !== 'supported' || (test.feature !== 'guest-pull' && test.feature !== 'trusted-image-storage')) return claim;
  const voided = guestPullVoidedBy(profile, pullMode, platform);
  if (!voided) return claim;
  return test.feature === 'guest-pull'
    ? { status: 'unsupported', note: voided }
    : { status: 'not-applicable', note: `${voided}: the guest pulls no image, so it keeps no image store on the device` };
}

function appliesOn(limitation: ReleaseLimitation, platform: PlatformId): boolean {
  return !limitation.platforms || limitation.platforms.includes(platform);
}

function nonDiscriminatingLimitation(profile: ReleaseProfile, platform: PlatformId, test: CatalogTest): ReleaseLimitation | undefined {
  return profile.limitations.find((l) => appliesOn(l, platform) && l.nonDiscriminating?.includes(test.id));
}

/** Why the release or the platform cannot run a test that needs `requirement`, or undefined when it can. */
function unmetRequirement(profile: ReleaseProfile, platform: PlatformId, requirement: Requirement, test: CatalogTest): string | undefined {
  switch (requirement) {
    case 'kbs-resource-delete':
      return profile.kbs.resourceDelete ? undefined : `release ${profile.release}'s KBS has no resource DELETE (kbs.resourceDelete)`;
    case 'gpu':
      return profile.platforms[platform]?.gpu ? undefined : `platform ${platform} has no confidential GPU (platforms.${platform}.gpu)`;
    case 'init-data':
      return profile.guestComponents.initData ? undefined : `release ${profile.release} has no init-data (guestComponents.initData)`;
    case 'kata-guest':
      return profile.platforms[platform]?.handler.startsWith('kata') ? undefined
        : `platform ${platform} runs no kata guest (handler ${profile.platforms[platform]?.handler})${test.kataGuestBecause ? `: ${test.kataGuestBecause}` : ''}`;
    case 'pod-kernel-params': {
      // The one source of "can this platform's pods have their own kernel parameters" (matrix/secure-image.ts).
      const params = podKernelParams(profile, platform);
      return params.via === 'none'
        ? `${params.reason}: a test that needs its own (an image policy with signature verification, or no KBS address but through init-data) cannot run here`
        : undefined;
    }
    case 'genpolicy': {
      const genpolicy = profile.guestProtection.agentPolicy.genpolicy;
      if (!genpolicy) return `release ${profile.release}'s CoCo CI generates no agent policy (guestProtection.agentPolicy.genpolicy)`;
      return test.policyCase && !genpolicy.failureCases.includes(test.policyCase)
        ? `release ${profile.release}'s k8s-policy-pod.bats has no "${test.policyCase}" case (guestProtection.agentPolicy.genpolicy.failureCases)`
        : undefined;
    }
  }
}
