import { expect, test } from '@playwright/test';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { secureImageInputs } from '../../lib/cluster/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { namespaceName, planFor, platformSpec, type ManifestContext, type TestPlan } from '../../lib/manifests/index.ts';
import { loadRelease, type ReleaseProfile } from '../../matrix/index.ts';
import { scratchDirectory } from './scratch-directory.ts';

const scratch = scratchDirectory('secure-image-rebuild');

/** The secure image rebuild's node scripts, run by the real shell of this machine (dash, as an Ubuntu SE host's sh)
 *  in a folder laid out like an SE node. genprotimg cannot run here (s390x, s390-tools): the script must stop where it
 *  is missing, naming it, having kept the runner's image and header aside; the cleanup must put them back.
 *  kata-runtime cannot run here either: a TEST DOUBLE stands in for it — a script printing the one field the rebuild
 *  reads of `kata-runtime env --json` (Kernel.Path), at the node folder. */

const KERNEL_PARAMS = 'io.katacontainers.config.hypervisor.kernel_params';

interface Node { root: string; kernelDir: string; credsDir: string; hostKeyDir: string }

function fakeNode(profile: ReleaseProfile): { node: Node; profile: ReleaseProfile } {
  const root = scratch('se-node');
  mkdirSync(root);
  const node = { root, kernelDir: path.join(root, 'opt/kata/share/kata-containers'), credsDir: path.join(root, 'ibmse'), hostKeyDir: path.join(root, 'hkd') };
  const rebuild = profile.platforms.se!.secureImage!.rebuild!;
  mkdirSync(node.kernelDir, { recursive: true });
  mkdirSync(path.join(node.credsDir, 'hdr'), { recursive: true });
  mkdirSync(node.hostKeyDir, { recursive: true });
  for (const [name, text] of [[rebuild.kernel, 'kernel'], [rebuild.initrd, 'initrd'], [rebuild.image, 'runner image']]) writeFileSync(path.join(node.kernelDir, name!), text!);
  writeFileSync(path.join(node.credsDir, rebuild.kbsHeader), 'runner header');
  writeFileSync(path.join(node.hostKeyDir, 'HKD-3931-0275D38.crt'), 'host key document');
  // TEST DOUBLE of kata-runtime: `--config <file> env --json` → {"Kernel":{"Path":…}}.
  const cli = path.join(root, 'kata-runtime-double');
  writeFileSync(cli, `#!/bin/sh\nprintf '{"Kernel":{"Path":"%s"}}\\n' '${path.join(node.kernelDir, rebuild.image)}'\n`);
  chmodSync(cli, 0o755);
  const withDouble = structuredClone(profile);
  withDouble.platforms.se!.secureImage!.rebuild!.runtimeCli = cli;
  return { node, profile: withDouble };
}

function planOn(profile: ReleaseProfile, node: Node | undefined, unique: string): TestPlan {
  const ctx: ManifestContext = {
    profile, platform: 'se', spec: platformSpec(profile, 'se'), kbsUrl: 'http://192.0.2.10:30080', unique,
    namespace: namespaceName('signed-images/wrong-key-rejected', unique), images: { kind: 'upstream' },
    ...(node ? { secureImageInputs: { hostKeyDir: node.hostKeyDir, credsDir: node.credsDir } } : {}),
  };
  return planFor('signed-images/wrong-key-rejected', ctx);
}

/** The shell of this machine, with PATH left without genprotimg (there is none here), and a temporary folder of its
 *  own: whether it stops or ends, the script leaves nothing there (its parmfile included). */
async function sh(script: string) {
  const tmp = scratch('tmp');
  mkdirSync(tmp);
  const result = await runCommand(['sh', '-c', script], { nothrow: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TMPDIR: tmp } });
  expect(readdirSync(tmp), 'what the node script left in its TMPDIR').toEqual([]);
  return result;
}

for (const release of ['v0.15.0', 'v0.21.0']) {
  test(`${release}: the rebuild keeps the runner's image and header aside, copies kernel and initrd, and stops where genprotimg is missing; the cleanup puts both back`, async () => {
    const { node, profile } = fakeNode(loadRelease(release));
    const rebuild = profile.platforms.se!.secureImage!.rebuild!;
    const unique = `selftest${process.pid}${release.replaceAll('.', '')}`;
    const backup = `/tmp/coco-conformance-${unique}-secure-image`;
    rmSync(backup, { recursive: true, force: true });
    try {
      const plan = planOn(profile, node, unique);
      expect(plan.secureImageRebuild?.missingInputs).toEqual([]);
      const setup = await sh(plan.node!.setup[2]!);
      expect(setup.exitCode).toBe(1);
      expect(setup.stderr.trim()).toBe('genprotimg not found: the s390-tools package is not installed');
      // Kept aside before anything changed; kernel and initrd copied where genprotimg reads them (lib_se.sh repack_secure_image).
      expect(readFileSync(path.join(backup, 'image'), 'utf8')).toBe('runner image');
      expect(readFileSync(path.join(backup, 'header'), 'utf8')).toBe('runner header');
      expect(readFileSync(path.join(backup, 'kernel-dir'), 'utf8')).toBe(`${node.kernelDir}\n`);
      const work = path.join(node.credsDir, path.dirname(rebuild.kbsHeader));
      expect(readFileSync(path.join(work, rebuild.kernel), 'utf8')).toBe('kernel');
      expect(readFileSync(path.join(work, rebuild.initrd), 'utf8')).toBe('initrd');
      // What a successful rebuild leaves: another image installed, another header. The cleanup restores the runner's.
      writeFileSync(path.join(node.kernelDir, rebuild.image), 'image rebuilt for the pod');
      writeFileSync(path.join(node.credsDir, rebuild.kbsHeader), 'header of the pod image');
      const cleanup = await sh(plan.node!.cleanup[2]!);
      expect(cleanup.exitCode, cleanup.stderr).toBe(0);
      expect(readFileSync(path.join(node.kernelDir, rebuild.image), 'utf8')).toBe('runner image');
      expect(readFileSync(path.join(node.credsDir, rebuild.kbsHeader), 'utf8')).toBe('runner header');
      expect(existsSync(backup)).toBe(false);
    } finally {
      rmSync(backup, { recursive: true, force: true });
    }
  });
}

test('a runner without its host key documents stops before genprotimg, naming the folder; one without inputs is named in the plan', async () => {
  const { node, profile } = fakeNode(loadRelease('v0.21.0'));
  const unique = `selftest${process.pid}nohkd`;
  try {
    rmSync(path.join(node.hostKeyDir, 'HKD-3931-0275D38.crt'));
    const setup = await sh(planOn(profile, node, unique).node!.setup[2]!);
    expect(setup.exitCode).toBe(1);
    expect(setup.stderr.trim()).toBe(`no host key document HKD-*.crt in ${node.hostKeyDir}`);
    const bare = planOn(profile, undefined, unique);
    expect(bare.secureImageRebuild?.missingInputs.map((m) => m.split(':')[0])).toEqual(['COCO_IBM_SE_HKD_PATH', 'COCO_IBM_SE_CREDS_DIR']);
    // The pod is annotated with exactly what the image is rebuilt with.
    const pod = bare.manifests.find((m) => m.kind === 'Pod' && m.metadata.name === bare.pod)!;
    expect(pod.metadata.annotations?.[KERNEL_PARAMS]).toBe(bare.secureImageRebuild?.kernelParams);
  } finally {
    rmSync(`/tmp/coco-conformance-${unique}-secure-image`, { recursive: true, force: true });
  }
});

test('on control and on TDX nothing is rebuilt: the kernel_params annotation reaches the guest', () => {
  const profile = loadRelease('v0.21.0');
  for (const platform of ['control', 'tdx'] as const) {
    const plan = planFor('signed-images/wrong-key-rejected', {
      profile, platform, spec: platformSpec(profile, platform), kbsUrl: 'http://192.0.2.10:30080', unique: '1a2b3c4d',
      namespace: 'ns', images: { kind: 'upstream' },
    });
    expect(plan.secureImageRebuild, platform).toBeUndefined();
    expect(plan.node, platform).toBeUndefined();
  }
});

test('the runner gives its folders in COCO_IBM_SE_HKD_PATH and COCO_IBM_SE_CREDS_DIR; empty means not given', () => {
  expect(secureImageInputs({})).toEqual({});
  expect(secureImageInputs({ COCO_IBM_SE_HKD_PATH: ' ', COCO_IBM_SE_CREDS_DIR: '/opt/se-creds' })).toEqual({ credsDir: '/opt/se-creds' });
  expect(secureImageInputs({ COCO_IBM_SE_HKD_PATH: '/opt/hkd', COCO_IBM_SE_CREDS_DIR: '/opt/se-creds' })).toEqual({ hostKeyDir: '/opt/hkd', credsDir: '/opt/se-creds' });
});
