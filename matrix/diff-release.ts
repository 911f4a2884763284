import { expectedOutcome } from './derive-expected-outcome.ts';
import { releaseLabel } from './candidate-release.ts';
import { describeHelmChart } from './helm-chart-source.ts';
import { isMap } from './object-path.ts';
import type { ReleaseProfile } from './release-profile.ts';
import { platformLabel } from './runtime-variant.ts';
import { TEST_CATALOG } from './test-catalog.ts';
import { FEATURES } from './vocabulary.ts';

/** What changed from one release profile to the next: the table a release team reviews when it bumps the baseline.
 *  Pure data; harness/cli/commands/diff-release.ts renders it. Every section is computed from the profiles alone, so
 *  a profile added as data needs no code here. */
export interface ReleaseDiff {
  from: string;
  to: string;
  /** The mechanics a runner notices first (install method, KBS configuration, policy dialect and input, …). */
  mechanics: Change[];
  components: Change[];
  platforms: Change[];
  claims: ClaimChange[];
  limitations: { added: string[]; removed: string[] };
  /** Catalog tests that run somewhere in one release and nowhere in the other. */
  tests: { added: string[]; dropped: string[] };
  /** Tests whose expected outcome on a platform changed (pass / fail / skip). */
  expectations: { test: string; platform: string; from: string; to: string }[];
  /** Every other field of install, kbs, guestComponents and guestProtection that differs, by path. */
  details: Change[];
  /** When the newer profile is a candidate: what its derivation left for a person to review. */
  review?: { path: string; why: string }[];
}

export interface Change {
  what: string;
  from: string;
  to: string;
}

export interface ClaimChange {
  feature: string;
  platform: string;
  from: string;
  to: string;
  note?: string;
}

/** The mechanics by name, each read from the profile; absent reads as "none". */
const MECHANICS: { what: string; of: (p: ReleaseProfile) => string | undefined }[] = [
  { what: 'install method', of: (p) => p.install.method === 'helm'
    ? `helm (chart ${describeHelmChart(p.install)}, release ${p.install.releaseName} in ${p.install.namespace})`
    : `operator (${p.install.operatorKustomization})` },
  { what: 'pods point at KBS by', of: (p) => p.guestComponents.kbsConfig },
  { what: 'init-data', of: (p) => p.guestComponents.initData && `${p.guestComponents.initData.annotation} (${p.guestComponents.initData.encoding})` },
  { what: 'KBS protocol', of: (p) => p.kbs.protocolVersion },
  { what: 'KBS resource policy Rego dialect', of: (p) => p.kbs.policies.regoDialect },
  { what: 'KBS resource policy input', of: (p) => {
    const input = p.kbs.policies.resourceInput;
    return input.shape === 'structured'
      ? 'structured: data {"plugin", "resource-path": [repo, type, tag], "query"}'
      : `path-string: data["resource-path"] = "${input.resourcePathPrefix}<repo>/<type>/<tag>"`;
  } },
  { what: 'KBS admin token', of: (p) => `${p.kbs.adminAuth.style}, claims ${p.kbs.adminAuth.claims.join('/')}, clock skew ${p.kbs.adminAuth.clockSkewSeconds} s, config ${p.kbs.adminAuth.config}, verifier ${p.kbs.adminAuth.verifier}` +
    (p.kbs.adminAuth.attestationPolicyAuthenticated === false ? ', attestation-policy unauthenticated' : '') },
  { what: 'snapshotters', of: (p) => `installed ${p.install.snapshotters.installed.join(', ') || 'none'}; offered ` +
    `${p.install.snapshotters.offered.join(', ') || 'none'}` },
  { what: 'KBS body limits', of: (p) => `resource ${p.kbs.bodyLimitBytes.resource} bytes, policy ${p.kbs.bodyLimitBytes.policy} bytes` },
  { what: 'KBS resource policy storage', of: (p) => p.kbs.policies.storage },
  { what: 'KBS resource DELETE', of: (p) => (p.kbs.resourceDelete ? 'yes' : 'no') },
  { what: 'KBS deploy on TDX', of: (p) => p.kbs.deployDirs.tdx && `${p.kbs.deployDirs.tdx.kind} (${p.kbs.deployDirs.tdx.dir})` },
  { what: 'KBS deploy default', of: (p) => Object.entries(p.kbs.deployDirs.default).map(([arch, dir]) => `${arch}: ${dir}`).join(', ') },
  { what: 'sealed secret encoding', of: (p) => p.guestComponents.sealedSecret.encoding +
    (p.guestComponents.sealedSecret.signingKeyPath ? ` (signing key ${p.guestComponents.sealedSecret.signingKeyPath})` : '') },
  { what: 'signed images', of: (p) => p.guestComponents.signedImages &&
    `policy ${p.guestComponents.signedImages.securityPolicyPath}, key ${p.guestComponents.signedImages.cosignKeyPath}` +
    (p.guestComponents.signedImages.valuesFrom ? ` (values from ${p.guestComponents.signedImages.valuesFrom})` : '') },
  { what: 'agent policy carried by', of: (p) => p.guestProtection.agentPolicy.carrier === 'init-data'
    ? `policy-only init-data (${p.guestComponents.initData?.annotation ?? 'no init-data annotation'})`
    : `annotation ${p.guestComponents.annotations.agentPolicy}` },
  { what: 'generated agent policy', of: (p) => p.guestProtection.agentPolicy.genpolicy &&
    `genpolicy ${p.guestProtection.agentPolicy.genpolicy.args.join(' ')} → ${p.guestProtection.agentPolicy.genpolicy.writesAnnotation}` },
  { what: 'trusted image storage', of: (p) => {
    const { imageClaim, image } = p.guestProtection.trustedStorage;
    return imageClaim && `${imageClaim} (LUKS2 header ${image.luksHeader}, ${image.cipher}${image.integrity ? `, ${image.integrity} integrity` : ''})`;
  } },
  { what: 'trusted ephemeral workload storage', of: (p) => p.guestProtection.trustedStorage.workloadClaim &&
    `${p.guestProtection.trustedStorage.workloadClaim} (emptydir_mode ${p.guestProtection.trustedStorage.workload.emptyDirMode})` },
  { what: 'measured rootfs: wrong root hash through', of: (p) => {
    const { override, valuesFrom } = p.guestProtection.measuredRootfs;
    return (override.kind === 'kernel-params' ? `${override.annotation} "${override.template}"` : `${override.annotation} from ${override.shimConfig}`) +
      (valuesFrom ? ` (values from ${valuesFrom})` : '');
  } },
];

export function diffReleaseProfiles(a: ReleaseProfile, b: ReleaseProfile): ReleaseDiff {
  return {
    from: releaseLabel(a),
    to: releaseLabel(b),
    mechanics: MECHANICS.flatMap(({ what, of }) => changed(what, of(a), of(b))),
    components: diffLeaves('', a.components, b.components),
    platforms: platformChanges(a, b),
    claims: claimChanges(a, b),
    limitations: {
      added: b.limitations.filter((l) => !a.limitations.some((o) => o.text === l.text)).map((l) => l.text),
      removed: a.limitations.filter((l) => !b.limitations.some((n) => n.text === l.text)).map((l) => l.text),
    },
    ...testChanges(a, b),
    details: ['install', 'kbs', 'guestComponents', 'guestProtection', 'timeouts', 'testImages']
      .flatMap((key) => diffLeaves(key, (a as unknown as Record<string, unknown>)[key], (b as unknown as Record<string, unknown>)[key])),
    ...(b.candidate ? { review: b.candidate.review } : {}),
  };
}

function changed(what: string, from: string | undefined, to: string | undefined): Change[] {
  return (from ?? 'none') === (to ?? 'none') ? [] : [{ what, from: from ?? 'none', to: to ?? 'none' }];
}

function platformChanges(a: ReleaseProfile, b: ReleaseProfile): Change[] {
  const ids = [...new Set([...Object.keys(a.platforms), ...Object.keys(b.platforms)])];
  return ids.flatMap((id) => {
    const describe = (p: ReleaseProfile) => {
      const spec = p.platforms[id];
      if (!spec) return 'not defined';
      return spec.shipped ? `shipped (${spec.runtimeClass})` : `not shipped${spec.note ? `: ${spec.note}` : ''}`;
    };
    // Each runtime variant (runtime-rs) as its own line: where kata starts shipping one, and where the install starts
    // creating its class.
    const variants = [...new Set([a, b].flatMap((p) => Object.keys(p.platforms[id]?.runtimeVariants ?? {})))];
    const describeVariant = (p: ReleaseProfile, variant: string) => {
      const spec = p.platforms[id]?.runtimeVariants?.[variant];
      if (!spec) return 'not in kata-deploy';
      return `${spec.shipped ? 'shipped' : 'in kata-deploy, not shipped'} (${spec.runtimeClass})`;
    };
    return [
      ...changed(`platform ${id}`, describe(a), describe(b)),
      ...variants.flatMap((variant) => changed(`platform ${platformLabel(id, variant)}`, describeVariant(a, variant), describeVariant(b, variant))),
    ];
  });
}

function claimChanges(a: ReleaseProfile, b: ReleaseProfile): ClaimChange[] {
  const out: ClaimChange[] = [];
  for (const feature of FEATURES) {
    const platforms = [...new Set([...Object.keys(a.claims[feature] ?? {}), ...Object.keys(b.claims[feature] ?? {})])];
    for (const platform of platforms) {
      const [from, to] = [a.claims[feature]?.[platform], b.claims[feature]?.[platform]];
      if ((from?.status ?? 'none') === (to?.status ?? 'none')) continue;
      out.push({ feature, platform, from: from?.status ?? 'none', to: to?.status ?? 'none', ...(to?.note ? { note: to.note } : {}) });
    }
  }
  return out;
}

function testChanges(a: ReleaseProfile, b: ReleaseProfile): Pick<ReleaseDiff, 'tests' | 'expectations'> {
  const platforms = [...new Set([...Object.keys(a.platforms), ...Object.keys(b.platforms)])];
  const added: string[] = [];
  const dropped: string[] = [];
  const expectations: ReleaseDiff['expectations'] = [];
  for (const test of TEST_CATALOG) {
    const [from, to] = [a, b].map((p) => platforms.map((platform) => expectedOutcome(p, platform, test).expect)) as [string[], string[]];
    const [ranBefore, runsNow] = [from, to].map((outcomes) => outcomes.some((expect) => expect !== 'skip'));
    if (!ranBefore && runsNow) added.push(test.id);
    if (ranBefore && !runsNow) dropped.push(test.id);
    platforms.forEach((platform, i) => {
      if (from[i] !== to[i]) expectations.push({ test: test.id, platform, from: from[i]!, to: to[i]! });
    });
  }
  return { tests: { added, dropped }, expectations };
}

/** Leaf-by-leaf differences of two values, paths like `kbs.policies.regoDialect`; long texts read as their line
 *  counts and first differing line, so a policy change is one row. */
function diffLeaves(path: string, a: unknown, b: unknown): Change[] {
  if (isMap(a) && isMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => diffLeaves(path ? `${path}.${key}` : key, a[key], b[key]));
  }
  const [from, to] = [leafText(a), leafText(b)];
  if (from === to) return [];
  if (typeof a === 'string' && typeof b === 'string' && (a.includes('\n') || b.includes('\n'))) {
    return [{ what: path, ...textChange(a, b) }];
  }
  return [{ what: path, from, to }];
}

function textChange(a: string, b: string): { from: string; to: string } {
  const [la, lb] = [a.trimEnd().split('\n'), b.trimEnd().split('\n')];
  const first = la.findIndex((line, i) => line !== lb[i]);
  const at = first < 0 ? la.length : first;
  return {
    from: `${la.length} lines${la[at] !== undefined ? `, line ${at + 1}: ${la[at]!.trim()}` : ''}`,
    to: `${lb.length} lines${lb[at] !== undefined ? `, line ${at + 1}: ${lb[at]!.trim()}` : ''}`,
  };
}

function leafText(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
