import { expect, test } from '@playwright/test';
import { ensureCachedGoTool } from '../../lib/exec/cached-go-tool.ts';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { genpolicyArgv, genpolicyTool, withGeneratedPolicy } from '../../lib/cluster/index.ts';
import { planDryRun } from '../../lib/dry-run/index.ts';
import {
  GENERATED_POLICY_PLACEHOLDER, LOOP_DEVICE_PLACEHOLDER, NODE_VERITY_PARAMS_PLACEHOLDER, withWrongRootHash, type ConfigMapManifest, type PodManifest, type TestPlan,
} from '../../lib/manifests/index.ts';
import { catalogTest, encodedReleases, expectedOutcome, loadRelease } from '../../matrix/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { parseTomlWithTomllib } from '../support/tomllib.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = scratchDirectory('guest-protection');
const KBS = 'http://192.0.2.10:30080';

/** Each release's guest protections as kata's sources at its tag state them, written here — not read from the profiles
 *  under test — so that a profile (or the code rendering it) that drifts fails:
 *  - policy: where a hand-written agent policy goes (k8s-policy-hard-coded.bats:23 at kata 3.9.0–3.19.1 the
 *    agent.policy annotation, base64; from 3.21.0 a policy-only init-data in hypervisor.cc_init_data; kata 3.7.0
 *    tests_common.sh:318 the annotation);
 *  - genpolicy: the annotation genpolicy writes, where the release's CoCo CI runs it (AUTO_GENERATE_POLICY from kata
 *    3.11.0; genpolicy yaml.rs agent.policy up to 3.19.1, KATA_ANNO_CFG_HYPERVISOR_INIT_DATA from 3.21.0);
 *  - rootfs: how k8s-measured-rootfs.bats gives the guest its wrong root hash (kernel_params to 3.25.0,
 *    kernel_verity_params from 3.28.0);
 *  - tdx: the TDX expectations the notes give (storage: "Secure storage is not yet supported." v0.9.0, "Ephemeral
 *    Workload Storage Support" v0.19.0; measured rootfs: "TDX guests support measured rootfs with dm-verity" v0.11.0;
 *    image storage: "Trusted image storage on guest" v0.10.0.md:20, "Ephemeral Image Storage Support" v0.19.0.md:25);
 *  - image: trusted image storage — whether k8s-guest-pull-image.bats sets agent.secure_storage_integrity=true in
 *    kernel_params (kata 3.9.0 :114-116 … 3.23.0 :121-123; gone from 3.25.0, the agent's default turned true,
 *    config.rs:272), and where the confidential-data-hub keeps the LUKS2 header (guest-components v0.10.0–v0.17.0
 *    luks-encrypt-storage:96 luksFormat on the device; v0.18.0 blockdevice/mod.rs:218-227 a detached header in tmpfs). */
const AGENT_POLICY = 'io.katacontainers.config.agent.policy';
const INIT_DATA = 'io.katacontainers.config.hypervisor.cc_init_data';
const KERNEL_PARAMS = 'io.katacontainers.config.hypervisor.kernel_params';
const VERITY_PARAMS = 'io.katacontainers.config.hypervisor.kernel_verity_params';
type ImageFacts = { integrityParam: boolean; header: 'on-device' | 'in-guest-memory'; tdx: 'fail' | 'pass' };
type Facts = { policy: string; genpolicy?: string; rootfs: string; storage: 'fail' | 'pass'; measured: 'fail' | 'pass'; image: ImageFacts };
const IMAGE_ON_DEVICE: ImageFacts = { integrityParam: true, header: 'on-device', tdx: 'pass' };
const IMAGE_IN_GUEST: ImageFacts = { integrityParam: false, header: 'in-guest-memory', tdx: 'pass' };
const early = (genpolicy?: string): Facts => ({ policy: AGENT_POLICY, ...(genpolicy ? { genpolicy } : {}), rootfs: KERNEL_PARAMS, storage: 'fail', measured: 'pass', image: IMAGE_ON_DEVICE });
const FACTS: Record<string, Facts> = {
  'v0.9.0': { ...early(), measured: 'fail', image: { ...IMAGE_ON_DEVICE, tdx: 'fail' } },
  'v0.10.0': { ...early(), measured: 'fail' },
  'v0.11.0': early(AGENT_POLICY),
  'v0.12.0': early(AGENT_POLICY),
  'v0.13.0': early(AGENT_POLICY),
  'v0.14.0': early(AGENT_POLICY),
  'v0.15.0': early(AGENT_POLICY),
  'v0.16.0': { ...early(INIT_DATA), policy: INIT_DATA },
  'v0.17.0': { ...early(INIT_DATA), policy: INIT_DATA },
  'v0.18.0': { ...early(INIT_DATA), policy: INIT_DATA, image: { ...IMAGE_ON_DEVICE, integrityParam: false } },
  'v0.19.0': { policy: INIT_DATA, genpolicy: INIT_DATA, rootfs: VERITY_PARAMS, storage: 'pass', measured: 'pass', image: IMAGE_IN_GUEST },
  'v0.20.0': { policy: INIT_DATA, genpolicy: INIT_DATA, rootfs: VERITY_PARAMS, storage: 'pass', measured: 'pass', image: IMAGE_IN_GUEST },
  'v0.21.0': { policy: INIT_DATA, genpolicy: INIT_DATA, rootfs: VERITY_PARAMS, storage: 'pass', measured: 'pass', image: IMAGE_IN_GUEST },
};

/** A real Rego engine (opa, built from the Go module proxy by scripts/setup/build-opa.sh) asked what the agent would
 *  be asked: is this request allowed by the policy? */
let opaBinary: string | undefined;
async function allows(rego: string, request: string): Promise<boolean> {
  const opa = (opaBinary ??= await ensureCachedGoTool('opa'));
  const dir = scratch('agent-policy');
  mkdirSync(dir);
  writeFileSync(join(dir, 'policy.rego'), rego);
  const result = await runCommand([opa, 'eval', '--format', 'raw', '-d', join(dir, 'policy.rego'), `data.agent_policy.${request}`], { nothrow: true });
  expect(result.exitCode, `opa on the agent policy: ${result.stderr.slice(0, 400)}`).toBe(0);
  return result.stdout.trim() === 'true';
}

const podOf = (plan: TestPlan): PodManifest => plan.manifests.find((m): m is PodManifest => m.kind === 'Pod' && m.metadata.name === plan.pod)!;

test('the table names every encoded release, and only those', () => {
  expect(Object.keys(FACTS)).toEqual(encodedReleases());
});

for (const release of encodedReleases()) {
  test(`${release}: a TDX cell's dry run carries each guest protection the release's way`, async () => {
    test.setTimeout(20 * 60_000);
    const facts = FACTS[release]!;
    const profile = loadRelease(release);
    const planned = await planDryRun({ profile, platform: 'tdx', kbsUrl: KBS });
    if (planned.kind !== 'planned') throw new Error('TDX is shipped in every release');
    const plan = (id: string): TestPlan => {
      const entry = planned.tests.find((t) => t.id === id);
      if (!entry || !('plan' in entry)) throw new Error(`${id} has no plan in the dry run`);
      return entry.plan;
    };

    // The exec test's policy, where the release's bats put it, refuses exec and nothing else (a real Rego engine says).
    const execPod = podOf(plan('agent-policy/exec-refused'));
    const carried = execPod.metadata.annotations?.[facts.policy];
    expect(carried, `the exec test's policy in ${facts.policy}`).toBeDefined();
    const otherKey = facts.policy === AGENT_POLICY ? INIT_DATA : AGENT_POLICY;
    expect(execPod.metadata.annotations?.[otherKey], `nothing in ${otherKey}`).toBeUndefined();
    const rego = facts.policy === AGENT_POLICY
      ? Buffer.from(carried!, 'base64').toString('utf8')
      : String(((await parseTomlWithTomllib(gunzipSync(Buffer.from(carried!, 'base64')).toString('utf8'))).data as Record<string, unknown>)['policy.rego']);
    expect(await allows(rego, 'ExecProcessRequest')).toBe(false);
    expect(await allows(rego, 'CreateContainerRequest')).toBe(true);
    expect(await allows(rego, 'ReadStreamRequest')).toBe(true);
    expect(plan('agent-policy/exec-refused').failureText).toEqual({ surfaces: 'agent-error', fragments: ['ExecProcessRequest is blocked by policy'] });

    // Generated policies: the placeholder sits where genpolicy writes; genpolicy gets the pod without any policy.
    const onTdx = (id: string) => expectedOutcome(profile, 'tdx', catalogTest(id)).expect;
    if (facts.genpolicy) {
      const refused = plan('agent-policy/refused-privileged');
      expect(podOf(refused).metadata.annotations?.[facts.genpolicy]).toBe(GENERATED_POLICY_PLACEHOLDER);
      expect(refused.generatedPolicy?.annotation).toBe(facts.genpolicy);
      const intended = refused.generatedPolicy!.generateFor.find((m): m is PodManifest => m.kind === 'Pod')!;
      // The YAML genpolicy reads names the test's namespace: the policy pins it (no default_namespace setting needed).
      expect(intended.metadata.namespace).toMatch(/^cc-[0-9a-f]{8}-agent-policy-refused-privileged$/);
      expect(podOf(refused).metadata.namespace).toBe(intended.metadata.namespace);
      expect(intended.metadata.annotations?.[facts.genpolicy]).toBeUndefined();
      expect(intended.metadata.annotations?.[AGENT_POLICY]).toBeUndefined();
      expect(intended.spec.containers[0]!.securityContext?.privileged).toBeUndefined();
      expect(podOf(refused).spec.containers[0]!.securityContext?.privileged).toBe(true);
      expect(refused.failureText).toEqual({ surfaces: 'agent-error', fragments: ['CreateContainerRequest is blocked by policy'] });
      expect(plan('agent-policy/refused-post-start-command').failureText).toEqual({ surfaces: 'agent-error', fragments: ['FailedPostStartHook'] });
      const configMap = plan('agent-policy/refused-config-map').manifests.find((m): m is ConfigMapManifest => m.kind === 'ConfigMap')!;
      expect(configMap.data['data-2']).toBe('foo');
      expect(onTdx('agent-policy/refused-privileged')).toBe('pass');
    } else {
      // Skipped by the profile: the dry run writes nothing for it.
      expect(planned.tests.find((t) => t.id === 'agent-policy/refused-privileged')).not.toHaveProperty('plan');
      expect(onTdx('agent-policy/refused-privileged')).toBe('skip');
    }
    expect(onTdx('agent-policy/exec-refused')).toBe('pass');

    // The LUKS emptyDir: a sized emptyDir at upstream's mount point, the guest's /dev for cryptsetup.
    const storagePod = podOf(plan('trusted-storage/luks-emptydir'));
    expect(storagePod.spec.volumes).toEqual(expect.arrayContaining([
      { name: 'temp-encrypted', emptyDir: { sizeLimit: '10G' } }, { name: 'guest-dev', hostPath: { path: '/dev' } }]));
    expect(storagePod.spec.containers[0]!.volumeMounts).toContainEqual({ name: 'temp-encrypted', mountPath: '/mnt/temp-encrypted' });
    expect(onTdx('trusted-storage/luks-emptydir')).toBe(facts.storage);
    expect(onTdx('trusted-storage/host-sees-no-data')).toBe(facts.storage);

    // Trusted image storage: a loop device made on the node backs a local Block PV; the container gets it at
    // /dev/trusted_store (pod-guest-pull-in-trusted-storage.yaml.in:31-33), integrity asked by kernel_params where the
    // bats asks; the device check expects the release's header placement.
    const imagePlan = plan('trusted-image-storage/image-store-encrypted');
    expect(imagePlan.manifests.map((m) => m.kind)).toEqual(['StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Pod']);
    const pv = imagePlan.manifests.find((m) => m.kind === 'PersistentVolume');
    expect(pv?.kind === 'PersistentVolume' && pv.spec).toMatchObject({ volumeMode: 'Block', local: { path: LOOP_DEVICE_PLACEHOLDER }, capacity: { storage: '10Gi' } });
    expect(imagePlan.node?.placeholder).toBe(LOOP_DEVICE_PLACEHOLDER);
    expect(imagePlan.node?.setup.join(' ')).toContain(`losetup -fP '${imagePlan.expect.loopFile}'`);
    expect(imagePlan.node?.cleanup.join(' ')).toContain('losetup -d');
    const imagePod = podOf(imagePlan);
    expect(imagePod.spec.containers[0]!.volumeDevices).toEqual([{ name: 'trusted-storage', devicePath: '/dev/trusted_store' }]);
    expect(imagePod.spec.volumes).toEqual([{ name: 'trusted-storage', persistentVolumeClaim: { claimName: 'trusted-pvc' } }]);
    // WaitForFirstConsumer: the scheduler binds the claim, so the pod names its node by label (nodeName would bypass it).
    expect(imagePod.spec.nodeName).toBeUndefined();
    expect(imagePod.spec.nodeSelector?.['kubernetes.io/hostname']).toBe(pv?.kind === 'PersistentVolume'
      ? pv.spec.nodeAffinity.required.nodeSelectorTerms[0]!.matchExpressions[0]!.values[0] : 'no PV');
    expect(imagePod.metadata.annotations?.[KERNEL_PARAMS]).toBe(facts.image.integrityParam ? 'agent.secure_storage_integrity=true' : undefined);
    expect(imagePlan.expect.luksHeader).toBe(facts.image.header);
    expect(onTdx('trusted-image-storage/image-store-encrypted')).toBe(facts.image.tdx);

    // Measured rootfs: the wrong hash through the release's annotation.
    const rootfsPod = podOf(plan('measured-rootfs/wrong-root-hash-refused'));
    const value = rootfsPod.metadata.annotations?.[facts.rootfs];
    if (facts.rootfs === KERNEL_PARAMS) expect(value).toBe(`rootfs_verity.scheme=dm-verity rootfs_verity.hash=${'1'.repeat(64)}`);
    else expect(value).toBe(NODE_VERITY_PARAMS_PLACEHOLDER);
    expect(plan('measured-rootfs/wrong-root-hash-refused').failureText).toEqual({ surfaces: 'guest-log', fragments: ['verity:', 'metadata block', 'is corrupted'] });
    expect(onTdx('measured-rootfs/wrong-root-hash-refused')).toBe(facts.measured);
  });
}

test('the dm-verity root hash is replaced in the node\'s parameters as the bats\' sed does, and only there', () => {
  const params = 'root_hash=9f2c0e,salt=ab12,data_blocks=262144,data_block_size=4096,hash_block_size=4096';
  expect(withWrongRootHash(params, '1'.repeat(64)))
    .toBe(`root_hash=${'1'.repeat(64)},salt=ab12,data_blocks=262144,data_block_size=4096,hash_block_size=4096`);
  expect(withWrongRootHash('salt=ab12', '1'.repeat(64))).toBe('salt=ab12');
});

test('genpolicy comes from the runner: COCO_GENPOLICY, else upstream\'s /opt/kata/bin/genpolicy, else nothing', () => {
  expect(genpolicyTool({}, () => false)).toBeUndefined();
  expect(genpolicyTool({}, (file) => file === '/opt/kata/bin/genpolicy'))
    .toEqual({ binary: '/opt/kata/bin/genpolicy', settingsDir: '/opt/kata/share/defaults/kata-containers' });
  expect(genpolicyTool({ COCO_GENPOLICY: '/x/genpolicy', COCO_GENPOLICY_SETTINGS_DIR: '/x/settings' }, () => false))
    .toEqual({ binary: '/x/genpolicy', settingsDir: '/x/settings' });
});

/** A TEST DOUBLE of kata's genpolicy (it cannot be built or fetched here): as genpolicy at kata 3.21.0+ does
 *  (src/tools/genpolicy/src/yaml.rs add_policy_annotation), it rewrites the -y file in place with the policy in the
 *  named annotation; it records its argv so the command line can be checked. */
function genpolicyDouble(annotation: string): { binary: string; argvFile: string } {
  const dir = scratch('genpolicy-double');
  mkdirSync(dir);
  const argvFile = join(dir, 'argv.json');
  const binary = join(dir, 'genpolicy');
  writeFileSync(binary, `#!/usr/bin/env python3
import json, sys, yaml
args = sys.argv[1:]
json.dump(args, open(${JSON.stringify(argvFile)}, 'w'))
path = args[args.index('-y') + 1]
doc = yaml.safe_load(open(path))
doc.setdefault('metadata', {}).setdefault('annotations', {})[${JSON.stringify(annotation)}] = 'R0VORVJBVEVE'
yaml.safe_dump(doc, open(path, 'w'))
`);
  chmodSync(binary, 0o755);
  return { binary, argvFile };
}

test('the generated policy replaces the placeholder; genpolicy is called as the release\'s bats call it', async () => {
  const profile = loadRelease('v0.21.0');
  const planned = await planDryRun({ profile, platform: 'tdx', kbsUrl: KBS });
  if (planned.kind !== 'planned') throw new Error('TDX is shipped');
  const entry = planned.tests.find((t) => t.id === 'agent-policy/refused-uid-1234');
  if (!entry || !('plan' in entry) || !entry.plan.generatedPolicy) throw new Error('no generated policy in the plan');
  const { plan } = entry;
  const double = genpolicyDouble(INIT_DATA);
  const tool = { binary: double.binary, settingsDir: '/settings' };
  const applied = await withGeneratedPolicy(tool, plan.generatedPolicy!, plan.manifests);
  const pod = applied.find((m): m is PodManifest => m.kind === 'Pod')!;
  expect(pod.metadata.annotations?.[INIT_DATA]).toBe('R0VORVJBVEVE');
  expect(pod.spec.containers[0]!.securityContext?.runAsUser).toBe(1234);
  const argv = JSON.parse((await runCommand(['cat', double.argvFile])).stdout) as string[];
  expect(argv.slice(0, 2)).toEqual(['-u', '-y']);
  expect(argv.slice(3)).toEqual(['-p', '/settings/rules.rego', '-j', '/settings', '-c', argv[8]]);
  expect(argv[8]).toMatch(/configmap\.yaml$/);
  expect(genpolicyArgv(tool, plan.generatedPolicy!, 'pod.yaml')).toEqual([double.binary, '-u', '-y', 'pod.yaml', '-p', '/settings/rules.rego', '-j', '/settings']);

  // A genpolicy that writes nothing is an error naming the command, not a pod applied with the placeholder.
  const silent = genpolicyDouble('some.other/annotation');
  await expect(withGeneratedPolicy({ binary: silent.binary, settingsDir: '/settings' }, plan.generatedPolicy!, plan.manifests))
    .rejects.toThrow(`wrote no ${INIT_DATA} annotation`);
});

test('plan of one cell lists its tests: v0.21.0 TDX expects the guest protections to hold, v0.9.0 names its storage limitation', async () => {
  const plan = (cell: string) => runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'plan', '--matrix', 'matrix/all-releases.yaml',
    '--cell', cell, '--suite', 'agent-policy', 'trusted-storage', 'trusted-image-storage', 'measured-rootfs'], { cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
  const v21 = (await plan('v0.21.0/tdx/kubeadm-1.30/containerd/nydus')).stdout;
  for (const id of ['agent-policy/exec-refused', 'agent-policy/refused-host-path-mount', 'trusted-storage/luks-emptydir',
    'trusted-image-storage/image-store-encrypted', 'measured-rootfs/wrong-root-hash-refused']) {
    expect(v21).toMatch(new RegExp(`^${id} +pass +supported`, 'm'));
  }
  const v9 = (await plan('v0.9.0/tdx/kubeadm-1.30/containerd/nydus')).stdout;
  expect(v9).toMatch(/^trusted-storage\/luks-emptydir +fail +limitation +Secure storage is not yet supported\. — fails in "assert: the emptyDir is a dm-crypt device, active and in use"/m);
  expect(v9).toMatch(/^agent-policy\/refused-privileged +skip .*generates no agent policy/m);
  expect(v9).toMatch(/^trusted-image-storage\/image-store-encrypted +fail +limitation +Secure storage is not yet supported\. — fails in "assert: the guest encrypted the block device the host sees"/m);
  // v0.15.0 claims it on TDX, but kata 3.19.1 skips it there (issue 10838): the harness tests it and says so.
  expect((await plan('v0.15.0/tdx/kubeadm-1.30/containerd/nydus')).stdout).toMatch(/^trusted-image-storage\/image-store-encrypted +pass +supported .*not tested upstream/m);
});

test('with host pull the guest pulls no image: trusted image storage does not apply (the agent would still encrypt the device)', () => {
  const outcome = expectedOutcome(loadRelease('v0.21.0'), 'tdx', catalogTest('trusted-image-storage/image-store-encrypted'), 'host');
  expect(outcome).toMatchObject({ expect: 'skip', claim: 'not-applicable' });
  expect(outcome.expect === 'skip' && outcome.reason).toMatch(/^pull mode host: .*: the guest pulls no image, so it keeps no image store on the device$/);
  // The control platform claims nothing: it still fails there, whatever the pull mode.
  expect(expectedOutcome(loadRelease('v0.21.0'), 'control', catalogTest('trusted-image-storage/image-store-encrypted'), 'host').expect).toBe('fail');
});

test('diff-release v0.18.0 v0.19.0 names the storage claims', async () => {
  const out = (await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'diff-release', 'v0.18.0', 'v0.19.0'],
    { cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } })).stdout;
  expect(out).toContain('| trusted-storage | tdx | unsupported | supported | Ephemeral Workload Storage Support |');
  expect(out).toContain('| trusted ephemeral workload storage | none | Ephemeral Workload Storage Support (emptydir\\_mode block-encrypted) |');
  expect(out).toContain('| added | LUKS-based secure storage provides integrity protection, but not replay protection. |');
  expect(out).toContain('| trusted-storage/luks-emptydir | tdx | fail | pass |');
  expect(out).toContain('| trusted image storage | Trusted image storage on guest (LUKS2 header on-device, aes-xts-plain64, hmac(sha256) integrity) | ' +
    'Ephemeral Image Storage Support (LUKS2 header in-guest-memory, aes-xts-plain, hmac(sha256) integrity) |');
});
