import path from 'node:path';
import { helmChartSource } from './helm-chart-source.ts';
import { helmValues, shimContainerdValues } from './helm-values.ts';
import { kataHypervisorOf } from './kata-hypervisor.ts';
import { podKernelParams } from './secure-image.ts';
import type { FailureText, ReleaseProfile } from './release-profile.ts';
import { RUNTIME_VARIANT_ID } from './schema/release-profile-schema.ts';
import { TEST_CATALOG } from './test-catalog.ts';
import { CONTROL_PLATFORM, FEATURES, PLATFORM_ID, type PlatformId } from './vocabulary.ts';
import type { YamlSource } from './yaml-source.ts';

/** Rules that span fields of a schema-valid release profile. Throws the first InputError found. */
export function checkReleaseProfile(profile: ReleaseProfile, source: YamlSource, file: string): void {
  const fileRelease = path.basename(file).replace(/\.ya?ml$/, '');
  if (/^v\d/.test(fileRelease) && fileRelease !== profile.release) {
    throw source.error(['release'], `release ${JSON.stringify(profile.release)} does not match the file name ${path.basename(file)}`);
  }
  const defined = new Set(Object.keys(profile.platforms));
  for (const platform of defined) {
    if (!PLATFORM_ID.pattern.test(platform)) {
      throw source.error(['platforms', platform], `${JSON.stringify(platform)} is not ${PLATFORM_ID.patternHint}`, 'key');
    }
  }
  if (!defined.has(CONTROL_PLATFORM)) {
    throw source.error(['platforms'], `missing platform ${JSON.stringify(CONTROL_PLATFORM)} (the harness's negative control; every profile defines it)`);
  }
  const mustBeDefined = (platform: string, at: (string | number)[], where: 'key' | 'value' = 'value') => {
    if (!defined.has(platform)) {
      throw source.error(at, `unknown platform ${JSON.stringify(platform)} (platforms defines: ${[...defined].join(', ')})`, where);
    }
  };
  checkOverlays(profile, source);
  checkHelmChart(profile, source);
  checkHelmShimPull(profile, source);
  if (profile.candidate && profile.candidate.from === profile.release) {
    throw source.error(['candidate', 'from'], `a candidate is derived from an earlier release, not from itself (${profile.release})`);
  }
  for (const feature of FEATURES) {
    const claims = profile.claims[feature];
    for (const [platform, claim] of Object.entries(claims)) {
      mustBeDefined(platform, ['claims', feature, platform], 'key');
      if (claim && claim.status !== 'supported' && !claim.note) {
        throw source.error(['claims', feature, platform], `a ${claim.status} claim needs a "note" quoting the release notes`);
      }
    }
    for (const platform of defined) {
      if (!(platform in claims)) throw source.error(['claims', feature], `missing claim for platform ${JSON.stringify(platform)}`);
    }
  }
  checkLimitations(profile, source, mustBeDefined);
  checkTeeEvidence(profile, source);
  checkSignedImages(profile, source);
  checkSecureImageRebuild(profile, source);
  checkFailureTextChannels(profile, source);
  checkGpuPolicy(profile, source);
  profile.testedStacks.forEach((stack, index) => mustBeDefined(stack.platform, ['testedStacks', index, 'platform']));
}

/** A feature claimed supported on a secure-image platform (IBM SE) whose tests need their pod's own kernel
 *  parameters (catalog requirement pod-kernel-params) can only be tested where the profile says how upstream
 *  rebuilds the image per pod: without it those tests would be skipped and the claim never checked. */
function checkSecureImageRebuild(profile: ReleaseProfile, source: YamlSource): void {
  for (const platform of Object.keys(profile.platforms) as PlatformId[]) {
    const params = podKernelParams(profile, platform);
    if (params.via !== 'none') continue;
    const claimed = TEST_CATALOG.filter((t) => t.requires?.includes('pod-kernel-params') && profile.claims[t.feature]?.[platform]?.status === 'supported');
    if (claimed.length === 0) continue;
    const features = [...new Set(claimed.map((t) => t.feature))];
    throw source.error(['platforms', platform, 'secureImage'], `${features.join(' and ')} ${features.length > 1 ? 'are' : 'is'} claimed supported on ${platform}, ` +
      `whose tests need each pod's own kernel parameters (${claimed.map((t) => t.id).join(', ')}), but ${params.reason}: ` +
      'give secureImage.rebuild as the release\'s kata tests rebuild the image, or claim what upstream tests');
  }
}

/** The GPU resource policy and the platforms it is for come together: a policy nobody gets, or GPU platforms with no
 *  policy to give them, is a profile half written. */
function checkGpuPolicy(profile: ReleaseProfile, source: YamlSource): void {
  const { suiteResourcePolicy, confidentialGpuHardware } = profile.kbs.policies;
  if (suiteResourcePolicy.gpu !== undefined && !confidentialGpuHardware) {
    throw source.error(['kbs', 'policies', 'suiteResourcePolicy', 'gpu'], 'a GPU policy needs kbs.policies.confidentialGpuHardware (the KATA_HYPERVISORs it is for)');
  }
  if (confidentialGpuHardware && suiteResourcePolicy.gpu === undefined) {
    throw source.error(['kbs', 'policies', 'confidentialGpuHardware'], 'GPU hypervisors need the policy they get: kbs.policies.suiteResourcePolicy.gpu');
  }
}

/** A registry chart needs its version; a git chart must say repository, ref and path. */
function checkHelmChart(profile: ReleaseProfile, source: YamlSource): void {
  if (profile.install.method !== 'helm') return;
  const chart = helmChartSource(profile.install.chart);
  if (!chart) {
    throw source.error(['install', 'chart'], 'a git chart is written git+<repository URL>@<ref>#<path inside the repository>');
  }
  if (chart.kind === 'registry' && !profile.install.version) {
    throw source.error(['install'], `the registry chart ${profile.install.chart} needs a "version" (a directory or a git ref needs none)`);
  }
}

/** A Helm install states, for the shim of every shipped platform (and shipped runtime variant) whose class it creates,
 *  the two values that decide how the class pulls under containerd: `shims.<shim>.containerd.snapshotter` and
 *  `.forceGuestPull` (matrix/pull-mode.ts runtimeClassPull). Left out, kata-deploy's default at the kata tag would
 *  decide, and the expectations could not see it (the GPU shims' defaults force guest pull at kata 3.25.0–3.28.0,
 *  values.yaml:95-116 at 3.25.0; nydus from 3.29.0). The same on every arch of the platform: expectations are per
 *  platform. */
function checkHelmShimPull(profile: ReleaseProfile, source: YamlSource): void {
  const install = profile.install;
  if (install.method !== 'helm') return;
  for (const [platform, spec] of Object.entries(profile.platforms)) {
    const classes = [spec, ...Object.values(spec?.runtimeVariants ?? {})].filter((c) => c?.shipped);
    for (const { runtimeClass, handler } of classes as Array<{ runtimeClass: string; handler: string }>) {
      const shim = kataHypervisorOf(handler);
      const arches = (spec?.arches ?? []).filter((arch) => install.runtimeClasses[arch]?.includes(runtimeClass));
      if (!shim || !arches.length) continue;
      const stated = arches.map((arch) => ({ arch, ...shimContainerdValues(helmValues(install, arch), install, shim) }));
      for (const { arch, path, snapshotter, forceGuestPull } of stated) {
        const problems = [typeof snapshotter === 'string' ? '' : 'snapshotter (a string, "" for none)',
          typeof forceGuestPull === 'boolean' ? '' : 'forceGuestPull (true or false)'].filter(Boolean);
        if (problems.length) {
          throw source.error(['install', 'values', ...path], `${arch}: runtime class ${runtimeClass} of platform ${platform} needs its ` +
            `shim's containerd ${problems.join(' and ')} stated: kata-deploy's default at kata ${profile.components.kata.version} ` +
            `would decide how it pulls, which the expectations cannot see (its values.yaml shims.${shim}.containerd)`);
        }
      }
      const differing = stated.find((s) => s.snapshotter !== stated[0]!.snapshotter || s.forceGuestPull !== stated[0]!.forceGuestPull);
      if (differing) {
        throw source.error(['install', 'valuesByArch', differing.arch, ...differing.path], `runtime class ${runtimeClass} of platform ` +
          `${platform} pulls differently on ${differing.arch} than on ${stated[0]!.arch}; expectations are per platform`);
      }
    }
  }
}

/** Every platform names an overlay the install recipe has, and a shipped platform's runtime class is one that
 *  overlay creates — otherwise the installer would wait for a runtime class that never comes. */
function checkOverlays(profile: ReleaseProfile, source: YamlSource): void {
  const install = profile.install;
  const overlayClasses: Record<string, string[]> =
    install.method === 'operator'
      ? Object.fromEntries(Object.entries(install.overlays).map(([name, overlay]) => [name, overlay.runtimeClasses]))
      : install.runtimeClasses;
  const overlaysKey = install.method === 'operator' ? 'install.overlays' : 'install.runtimeClasses';
  for (const [platform, spec] of Object.entries(profile.platforms)) {
    if (!spec?.overlay) continue;
    const classes = overlayClasses[spec.overlay];
    if (!classes) {
      throw source.error(['platforms', platform, 'overlay'],
        `unknown overlay ${JSON.stringify(spec.overlay)} (${overlaysKey} has: ${Object.keys(overlayClasses).join(', ')})`);
    }
    if (spec.shipped && !classes.includes(spec.runtimeClass)) {
      throw source.error(['platforms', platform, 'runtimeClass'],
        `overlay ${JSON.stringify(spec.overlay)} does not create runtime class ${JSON.stringify(spec.runtimeClass)} (it creates: ${classes.join(', ')})`);
    }
    // A runtime variant is shipped exactly when the install creates its class: the data cannot say one and do the other.
    for (const [id, variant] of Object.entries(spec.runtimeVariants ?? {})) {
      const at = ['platforms', platform, 'runtimeVariants', id];
      if (!RUNTIME_VARIANT_ID.pattern.test(id)) throw source.error(at, `${JSON.stringify(id)} is not ${RUNTIME_VARIANT_ID.patternHint}`);
      if (variant.shipped !== classes.includes(variant.runtimeClass)) {
        throw source.error([...at, 'shipped'], `shipped is ${variant.shipped}, but overlay ${JSON.stringify(spec.overlay)} ` +
          `${variant.shipped ? 'does not create' : 'creates'} runtime class ${JSON.stringify(variant.runtimeClass)} (it creates: ${classes.join(', ')})`);
      }
    }
  }
  const notOffered = install.snapshotters.installed.find((s) => !install.snapshotters.offered.includes(s));
  if (notOffered) throw source.error(['install', 'snapshotters', 'installed'], `${notOffered} is installed but not offered (offered: ${install.snapshotters.offered.join(', ') || 'none'})`);
}

function checkLimitations(
  profile: ReleaseProfile,
  source: YamlSource,
  mustBeDefined: (platform: PlatformId, at: (string | number)[]) => void,
): void {
  const knownTests = new Set(TEST_CATALOG.map((test) => test.id));
  const firstIndex = new Map<string, number>();
  profile.limitations.forEach((limitation, index) => {
    const first = firstIndex.get(limitation.id);
    if (first !== undefined) {
      throw source.error(['limitations', index, 'id'], `duplicate limitation id ${JSON.stringify(limitation.id)} (also limitations[${first}])`);
    }
    firstIndex.set(limitation.id, index);
    limitation.platforms?.forEach((platform, p) => mustBeDefined(platform, ['limitations', index, 'platforms', p]));
    limitation.nonDiscriminating?.forEach((testId, t) => {
      if (!knownTests.has(testId)) {
        throw source.error(['limitations', index, 'nonDiscriminating', t], `unknown test id ${JSON.stringify(testId)} (not in matrix/test-catalog.ts)`);
      }
    });
  });
}

/** Probes have distinct names and expressions JavaScript can compile, and a platform the release claims TEE evidence
 *  for carries its own probe (named after it or its TEE kind: a GPU platform on SNP shows SNP's evidence) —
 *  otherwise the test could pass on another TEE's evidence. */
function checkTeeEvidence(profile: ReleaseProfile, source: YamlSource): void {
  for (const [platform, spec] of Object.entries(profile.platforms)) {
    const probes = spec?.teeEvidence ?? [];
    const firstIndex = new Map<string, number>();
    probes.forEach((probe, index) => {
      const at = ['platforms', platform, 'teeEvidence', index];
      const first = firstIndex.get(probe.name);
      if (first !== undefined) throw source.error([...at, 'name'], `duplicate probe name ${JSON.stringify(probe.name)} (also teeEvidence[${first}])`);
      firstIndex.set(probe.name, index);
      const problem = regexProblem(probe.expect);
      if (problem) throw source.error([...at, 'expect'], `not a JavaScript regular expression: ${problem}`);
    });
    const claimed = profile.claims['tee-evidence']?.[platform as PlatformId]?.status === 'supported';
    const ownNames = [...new Set([platform, ...(spec?.teeKind ? [spec.teeKind] : [])])];
    if (claimed && !ownNames.some((name) => firstIndex.has(name))) {
      throw source.error(['platforms', platform], `tee-evidence is claimed supported on ${platform}, but teeEvidence has no probe named ${ownNames.map((n) => JSON.stringify(n)).join(' or ')}` +
        ` (has: ${[...firstIndex.keys()].join(', ') || 'none'})`, 'key');
    }
  }
  checkControlProbes(profile, source);
}

/** The control is the negative control of every TEE probe: it must run each one, unchanged, and see it fail. */
function checkControlProbes(profile: ReleaseProfile, source: YamlSource): void {
  const control = profile.platforms[CONTROL_PLATFORM];
  if (!control) return;
  const carried = new Map((control.teeEvidence ?? []).map((probe) => [probe.name, JSON.stringify(probe)]));
  for (const [platform, spec] of Object.entries(profile.platforms)) {
    if (platform === CONTROL_PLATFORM) continue;
    for (const probe of spec?.teeEvidence ?? []) {
      if (carried.get(probe.name) !== JSON.stringify(probe)) {
        throw source.error(['platforms', 'control', ...(control.teeEvidence ? ['teeEvidence'] : [])],
          `the control must carry platform ${platform}'s probe ${JSON.stringify(probe.name)} unchanged (the negative control of every TEE probe)`,
          control.teeEvidence ? 'value' : 'key');
      }
    }
  }
}

function regexProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'm');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The policy parameter must name the policy resource, or the guest is pointed at nothing. */
function checkSignedImages(profile: ReleaseProfile, source: YamlSource): void {
  const template = profile.guestComponents.signedImages?.kernelParams.imagePolicy;
  if (template !== undefined && !template.includes('${RESOURCE}')) {
    throw source.error(['guestComponents', 'signedImages', 'kernelParams', 'imagePolicy'],
      `the image policy parameter must contain \${RESOURCE} (the policy's kbs:/// URI), got ${JSON.stringify(template)}`);
  }
}

/** Every failure text the profile holds, with its path in the file. */
export function profileFailureTexts(profile: ReleaseProfile): Array<{ at: (string | number)[]; text: FailureText }> {
  const gc = profile.guestComponents;
  const of = (at: string[], texts: Record<string, FailureText> | undefined) =>
    Object.entries(texts ?? {}).map(([key, text]) => ({ at: [...at, key], text }));
  return [
    ...of(['guestComponents', 'failureTexts'], { ...gc.failureTexts }),
    ...of(['guestComponents', 'signedImages', 'failureTexts'], gc.signedImages ? { ...gc.signedImages.failureTexts } : undefined),
    ...of(['guestComponents', 'initData', 'failureTexts'], gc.initData ? { ...gc.initData.failureTexts } : undefined),
  ];
}

/** A `guest-log` text is only in the node's kata journal when hypervisor debug sends the guest's log there: a profile
 *  whose install leaves debug off would expect a text no channel it opens can show, and FAIL a correct release. */
function checkFailureTextChannels(profile: ReleaseProfile, source: YamlSource): void {
  if (profile.install.hypervisorDebug) return;
  const guestOnly = profileFailureTexts(profile).find(({ text }) => text.surfaces === 'guest-log');
  if (guestOnly) {
    throw source.error([...guestOnly.at, 'surfaces'],
      'a guest-log text surfaces only in the kata journal, which hypervisor debug alone opens, but install.hypervisorDebug is false ' +
      '(turn debug on as upstream CI does, or expect a text the agent returns: agent-error)');
  }
}
