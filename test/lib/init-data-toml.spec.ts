import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { agentPolicyAnnotation, guestConfigAnnotations, platformSpec, type ManifestContext } from '../../lib/manifests/index.ts';
import { encodedReleases, loadRelease, type PlatformId } from '../../matrix/index.ts';
import { parseTomlWithTomllib } from '../support/tomllib.ts';

/** Values a runner or a profile could hand the init-data writer that break TOML pasted together by hand: quotes, a
 *  backslash, newlines that would open a table of their own, a literal string's closing ''' and a tab. */
const HOSTILE_KBS = 'http://10.0.0.1:31000/a"b\\c\n[evil]\nurl = "x"\'\'\'\t';
const HOSTILE_URI = 'kbs:///default/credentials/q"\\\n[image]';
const HOSTILE_POLICY = "package agent_policy\n\n# a ''' and a \"\"\" inside\ndefault AllowRequestsFailingPolicy := true\n";

const releases = encodedReleases().filter((release) => loadRelease(release).guestComponents.initData);

test('there are releases with init-data to check', () => {
  expect(releases.length).toBeGreaterThan(0);
});

for (const release of releases) {
  test(`${release}: init-data with a hostile KBS URL, resource URI and policy reads back exactly through tomllib`, async () => {
    const profile = loadRelease(release);
    const format = profile.guestComponents.initData!;
    const platform = Object.keys(profile.platforms)[0] as PlatformId;
    const ctx: ManifestContext = {
      profile, platform, spec: platformSpec(profile, platform), kbsUrl: HOSTILE_KBS, namespace: 'ns', unique: 'u1',
      images: { kind: 'upstream' },
    };
    const annotations = guestConfigAnnotations(ctx, {
      via: 'init-data', kbc: true, registryAuth: HOSTILE_URI, imagePolicy: HOSTILE_URI, agentPolicy: HOSTILE_POLICY,
    });
    const toml = gunzipSync(Buffer.from(annotations[format.annotation]!, 'base64')).toString('utf8');
    const parsed = await parseTomlWithTomllib(toml) as { version: string; algorithm: string; data: Record<string, string> };
    expect(parsed.version).toBe(format.version);
    expect(parsed.algorithm).toBe(format.algorithm);
    expect(Object.keys(parsed.data).sort()).toEqual(['aa.toml', 'cdh.toml', 'policy.rego']);
    expect(parsed.data['policy.rego']).toBe(HOSTILE_POLICY);
    const aa = await parseTomlWithTomllib(parsed.data['aa.toml']!) as { token_configs: Record<string, { url: string }> };
    expect(aa.token_configs.kbs?.url).toBe(HOSTILE_KBS);
    for (const config of Object.values(aa.token_configs)) expect(config).toEqual({ url: HOSTILE_KBS });
    const cdh = await parseTomlWithTomllib(parsed.data['cdh.toml']!);
    expect(cdh.kbc).toEqual({ name: 'cc_kbc', url: HOSTILE_KBS });
    const keys = format.cdhImageKeys;
    const image = Object.fromEntries([keys?.registryAuth, keys?.imagePolicy].filter((key) => key !== undefined).map((key) => [key, HOSTILE_URI]));
    expect(cdh.image ?? {}).toEqual(image);
    expect(Object.keys(cdh).filter((key) => !['kbc', 'image'].includes(key))).toEqual([]);
  });
}

const policyInInitData = encodedReleases().filter((release) => loadRelease(release).guestProtection.agentPolicy.carrier === 'init-data');

test('there are releases that carry the agent policy in init-data', () => {
  expect(policyInInitData.length).toBeGreaterThan(0);
});

for (const release of policyInInitData) {
  test(`${release}: a policy-only init-data holding ''', quotes and backslashes reads back exactly through tomllib`, async () => {
    const profile = loadRelease(release);
    const format = profile.guestComponents.initData!;
    const platform = Object.keys(profile.platforms)[0] as PlatformId;
    const ctx: ManifestContext = {
      profile, platform, spec: platformSpec(profile, platform), kbsUrl: 'http://10.0.0.1:31000', namespace: 'ns', unique: 'u1', images: { kind: 'upstream' },
    };
    const value = agentPolicyAnnotation(ctx, `${HOSTILE_POLICY}# a backslash \\ and a tab\t\n`)[format.annotation]!;
    const parsed = await parseTomlWithTomllib(gunzipSync(Buffer.from(value, 'base64')).toString('utf8'));
    expect(parsed).toEqual({ version: format.version, algorithm: format.algorithm, data: { 'policy.rego': `${HOSTILE_POLICY}# a backslash \\ and a tab\n` } });
  });
}
