import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compactVerify, importJWK, type JWK } from 'jose';
import { planDryRun } from '../../lib/dry-run/index.ts';
import type { KbsStep, PodManifest, SecretManifest } from '../../lib/manifests/index.ts';
import { parseSealedSecret } from '../support/sealed-secret-shape.ts';
import { compareReleases, encodedReleases, loadRelease } from '../../matrix/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { parseTomlWithTomllib } from '../support/tomllib.ts';

const scratch = scratchDirectory('release-dry-runs');

const ROOT = resolve(import.meta.dirname, '../..');
const KBS = 'http://192.0.2.10:30080';

/** Each release's mechanics as the upstream sources state them, written here — not read from the profiles under test —
 *  so that a profile (or the code rendering it) that drifts from its release fails:
 *  - initData: the init-data annotation of kata's bats at the release's tag (none before CoCo 0.14; kata 3.17.0
 *    confidential_common.sh:187 runtime.cc_init_data; kata 3.21.0 on hypervisor.cc_init_data);
 *  - install: operator v<x> kustomize (operator config/release?ref=…) or the Helm chart (CoCo 0.18 notes: "installed
 *    via a Helm chart"; quickstart.md `helm install … --version`);
 *  - rego: trustee's dialect at the pinned ref (regorus 0.2 → `allow {`, regorus 0.5 from trustee v0.17.0 → `allow if`);
 *  - resourcePath: what a policy sees of default/aa/key (e890fc9 opa/mod.rs:44-46 "default/aa/key"; trustee v0.11.0+
 *    "resource/default/aa/key"; trustee v0.17.0+ a list);
 *  - sealed: guest-components' encoding (v0.9/v0.10 STANDARD; kata 3.13.0 bats base64url; CoCo 0.19 "sealed secrets
 *    must be signed" ES256 JWS). */
const FACTS: Record<string, { initData?: string; install: string; rego: 'v0' | 'v1'; sealed: 'base64-standard' | 'base64url-nopad' | 'es256-jws' }> = {
  'v0.9.0': { install: 'operator/config/release?ref=v0.9.0', rego: 'v0', sealed: 'base64-standard' },
  'v0.10.0': { install: 'operator/config/release?ref=v0.10.0', rego: 'v0', sealed: 'base64-standard' },
  'v0.11.0': { install: 'operator/config/release?ref=v0.11.0', rego: 'v0', sealed: 'base64-standard' },
  'v0.12.0': { install: 'operator/config/release?ref=v0.12.0', rego: 'v0', sealed: 'base64url-nopad' },
  'v0.13.0': { install: 'operator/config/release?ref=v0.13.0', rego: 'v0', sealed: 'base64url-nopad' },
  'v0.14.0': { initData: 'io.katacontainers.config.runtime.cc_init_data', install: 'operator/config/release?ref=v0.14.0', rego: 'v0', sealed: 'base64url-nopad' },
  'v0.15.0': { initData: 'io.katacontainers.config.runtime.cc_init_data', install: 'operator/config/release?ref=v0.15.0', rego: 'v0', sealed: 'base64url-nopad' },
  'v0.16.0': { initData: 'io.katacontainers.config.hypervisor.cc_init_data', install: 'operator/config/release?ref=v0.16.0', rego: 'v0', sealed: 'base64url-nopad' },
  'v0.17.0': { initData: 'io.katacontainers.config.hypervisor.cc_init_data', install: 'operator/config/release?ref=v0.17.0', rego: 'v0', sealed: 'base64url-nopad' },
  'v0.18.0': { initData: 'io.katacontainers.config.hypervisor.cc_init_data', install: 'install coco oci://ghcr.io/confidential-containers/charts/confidential-containers --version 0.18.0', rego: 'v1', sealed: 'base64url-nopad' },
  'v0.19.0': { initData: 'io.katacontainers.config.hypervisor.cc_init_data', install: 'install coco oci://ghcr.io/confidential-containers/charts/confidential-containers --version 0.19.0', rego: 'v1', sealed: 'es256-jws' },
  'v0.20.0': { initData: 'io.katacontainers.config.hypervisor.cc_init_data', install: 'install coco oci://ghcr.io/confidential-containers/charts/confidential-containers --version 0.20.0', rego: 'v1', sealed: 'es256-jws' },
  'v0.21.0': { initData: 'io.katacontainers.config.hypervisor.cc_init_data', install: 'install coco oci://ghcr.io/confidential-containers/charts/confidential-containers --version 0.21.0', rego: 'v1', sealed: 'es256-jws' },
};

test('the table names every encoded release, and only those', () => {
  expect(Object.keys(FACTS)).toEqual(encodedReleases());
});

for (const release of encodedReleases()) {
  test(`${release}: a TDX cell's dry run renders the release's mechanics`, async () => {
    const facts = FACTS[release]!;
    const planned = await planDryRun({ profile: loadRelease(release), platform: 'tdx', kbsUrl: KBS });
    expect(planned.kind).toBe('planned');
    if (planned.kind !== 'planned') return;
    const plan = (id: string) => {
      const entry = planned.tests.find((t) => t.id === id);
      return entry && 'plan' in entry ? entry : undefined;
    };
    const pod = (id: string) => plan(id)?.plan.manifests.find((m): m is PodManifest => m.kind === 'Pod');

    // Every release's default pods point at KBS by kernel parameter (upstream's create_coco_pod_yaml, to kata 3.31.0).
    const attestation = pod('attestation/resource-released-allow-all')!;
    expect(attestation.metadata.annotations?.['io.katacontainers.config.hypervisor.kernel_params']).toContain(`agent.aa_kbc_params=cc_kbc::${KBS}`);

    // Init-data: the annotation of that kata, whose gzip+base64 value holds the KBS address; no KBS kernel parameter.
    const initPod = pod('init-data/kbs-from-init-data');
    if (!facts.initData) {
      expect(initPod, 'no init-data test before CoCo 0.14').toBeUndefined();
    } else {
      const value = initPod?.metadata.annotations?.[facts.initData];
      expect(value, `${release}: ${facts.initData}`).toBeDefined();
      const toml = gunzipSync(Buffer.from(value!, 'base64')).toString('utf8');
      // An independent TOML implementation (Python's tomllib) reads it as kata's agent does: the top-level keys, and
      // aa.toml / cdh.toml as TOML documents of their own.
      const parsed = await parseTomlWithTomllib(toml) as { version: string; algorithm: string; data: Record<string, string> };
      expect(parsed).toMatchObject({ version: '0.1.0', algorithm: 'sha256' });
      expect(Object.keys(parsed.data).sort()).toEqual(['aa.toml', 'cdh.toml', 'policy.rego']);
      expect(parsed.data['policy.rego']).toMatch(/^package agent_policy\n/);
      expect(await parseTomlWithTomllib(parsed.data['aa.toml']!)).toMatchObject({ token_configs: { kbs: { url: KBS } } });
      const cdh = await parseTomlWithTomllib(parsed.data['cdh.toml']!) as { kbc: unknown; image?: Record<string, string> };
      expect(cdh).toMatchObject({ kbc: { name: 'cc_kbc', url: KBS } });
      // From kata 3.23.0 (CoCo 0.17) the "(with initdata)" variants carry the image policy in cdh.toml's [image]
      // (k8s-guest-pull-image-signature.bats: image_security_policy_uri); before, a kernel parameter does.
      const policyInCdh = cdh.image?.image_security_policy_uri;
      const policyParam = initPod?.metadata.annotations?.['io.katacontainers.config.hypervisor.kernel_params'] ?? '';
      if (compareReleases(release, 'v0.17.0') >= 0) {
        expect(policyInCdh).toMatch(/^kbs:\/\/\/default\/security-policy\//);
        expect(policyParam).not.toContain('agent.image_policy_file');
      } else {
        expect(policyInCdh).toBeUndefined();
        expect(policyParam).toMatch(/agent\.image_policy_file=kbs:\/\/\/default\/security-policy\/\S+ agent\.enable_signature_verification=true/);
      }
      const other = facts.initData.includes('runtime') ? 'io.katacontainers.config.hypervisor.cc_init_data' : 'io.katacontainers.config.runtime.cc_init_data';
      expect(initPod?.metadata.annotations?.[other]).toBeUndefined();
      expect(initPod?.metadata.annotations?.['io.katacontainers.config.hypervisor.kernel_params'] ?? '').not.toContain('aa_kbc_params');
    }

    // The resource policy the suites set, in the dialect of the release's trustee.
    const policy = plan('attestation/resource-released-allow-all')!.plan.kbs.find((s) => s.op === 'set-resource-policy');
    expect(policy?.op === 'set-resource-policy' && policy.rego).toMatch(facts.rego === 'v1' ? /\ballow if \{/ : /\ballow \{/);

    // The sealed secret in the release's encoding; from 0.19 signed, with the public JWK put where its kid points.
    const sealedPlan = plan('sealed-secret/unsealed-with-resource')!;
    const secret = sealedPlan.plan.manifests.find((m): m is SecretManifest => m.kind === 'Secret' && m.metadata.name === 'sealed-secret')!;
    const parsed = parseSealedSecret(secret.stringData!.secret!, facts.sealed);
    expect(parsed.payload.name).toContain('kbs:///default/sealed-secret/');
    if (facts.sealed === 'es256-jws') {
      expect(parsed.protectedHeader?.kid).toMatch(/^kbs:\/\/\/default\/signing-key\/sealed-secret/);
      expect(sealedPlan.kbsCalls.some((call) => call.path.includes('/resource/default/signing-key/'))).toBe(true);
      // jose, an independent JWS implementation, verifies the sealed value with the JWK the test puts in KBS at the
      // path its kid names (where confidential-data-hub fetches the key), not with the harness's own verifier.
      const kid = parsed.protectedHeader!.kid as string;
      const jwk = sealedPlan.plan.kbs.find((s): s is Extract<KbsStep, { op: 'set-resource' }> => s.op === 'set-resource' && `kbs:///${s.path}` === kid);
      expect(jwk?.secret, 'the public JWK at the kid\'s path, not a secret').toBe(false);
      const publicKey = await importJWK(JSON.parse(jwk!.value) as JWK, 'ES256');
      const verified = await compactVerify(secret.stringData!.secret!.replace(/^sealed\./, ''), publicKey);
      expect(verified.protectedHeader).toEqual({ b64: true, alg: 'ES256', kid });
      expect(JSON.parse(new TextDecoder().decode(verified.payload))).toEqual(parsed.payload);
    } else {
      expect(secret.stringData!.secret).toMatch(/^sealed\.fakejwsheader\./);
    }
  });
}

/** The install commands come from the real CLI's dry run; five releases that each changed a mechanism. */
for (const release of ['v0.13.0', 'v0.14.0', 'v0.16.0', 'v0.18.0', 'v0.21.0']) {
  test(`${release}: run --dry-run of a TDX cell installs the release its way`, async () => {
    const out = scratch(`dry-${release}`);
    const cell = `${release}/tdx/kubeadm-1.30/containerd/nydus`;
    const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--matrix', 'matrix/all-releases.yaml',
      '--cell', cell, '--dry-run', '--out', out], { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
    expect(result.exitCode, result.stderr.slice(-800)).toBe(0);
    const script = readFileSync(join(out, 'dry-run', cell, 'commands.sh'), 'utf8');
    expect(script).toContain(FACTS[release]!.install);
    if (FACTS[release]!.install.includes('oci://')) expect(script).not.toContain('operator/config/release');
    else expect(script).not.toMatch(/^helm /m);
  });
}
