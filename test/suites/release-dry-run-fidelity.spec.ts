import { expect, test } from '@playwright/test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { runCommand } from '../../lib/exec/run-command.ts';
import { applyKbsFileEdit, withNvidiaVerifier } from '../../harness/kbs/platform-extras.ts';
import { writeOperatorDouble } from '../../lib/install-doubles/index.ts';
import { loadRelease, selectsHandler, type OperatorInstall } from '../../matrix/index.ts';
import { CONTROL_OPERATOR_OVERLAY } from '../../harness/install/index.ts';
import { ccRuntimeKustomization } from '../../harness/install/operator-install.ts';
import { kubectlForKustomize } from '../pipeline/support/kustomize-binary.ts';
import { buildCompatibilityReport, renderHtml, renderMarkdown } from '../../reporters/index.ts';
import { scratchDirectory } from '../lib/scratch-directory.ts';
import { parseTomlWithTomllib } from '../support/tomllib.ts';

const scratch = scratchDirectory('dry-run-fidelity');

/** The mechanics an audit of the upstream refs found wrong, as the real CLI's `run --dry-run` renders them for the
 *  four cells it named. The expected values are the upstream facts, written here — not read from the profiles:
 *  - the install turns hypervisor debug on, as kata's CI does (kata 3.17.0 tests/integration/kubernetes/gha-run.sh:202
 *    HELM_DEBUG="true"; 3.25.0 :226 → tests/gha-run-k8s-common.sh:576-578 `.debug = true`), or no guest-log text
 *    could ever be seen;
 *  - the KBS deploy directory follows KATA_HYPERVISOR as kata's confidential_kbs.sh compares it: ITA only for
 *    `= "qemu-tdx"` (3.25.0 :405), not for qemu-nvidia-gpu-tdx;
 *  - v0.16.0's ITA build gets kata 3.21.0's edits (confidential_kbs.sh:333-334);
 *  - on IBM SE a pod's kernel parameters reach the guest only in a secure image rebuilt for it (kata 3.19.1 lib.sh:305-312
 *    → lib_se.sh:89-124 repack_secure_image, 3.31.0 lib.sh:373-380 → lib_se.sh:94-129): the tests that need their own
 *    rebuild it on the node as upstream does. */

const ROOT = resolve(import.meta.dirname, '../..');
const CELLS = {
  v014tdx: 'v0.14.0/tdx/kubeadm-1.30/containerd/nydus',
  v015se: 'v0.15.0/se/kubeadm-1.30/containerd/nydus',
  v021se: 'v0.21.0/se/kubeadm-1.34/containerd/nydus',
  v016tdx: 'v0.16.0/tdx/kubeadm-1.30/containerd/nydus',
  v018gpuTdx: 'v0.18.0/nvidia-gpu-tdx/kubeadm-1.34/containerd/nydus',
};

const MATRIX = `schemaVersion: 1
name: fidelity
runners:
  - name: tdx-01
    platform: tdx
    arch: x86_64
    runs:
      - releases: [v0.14.0, v0.16.0]
        cluster: { distro: kubeadm, kubernetes: "1.30", source: packages }
        containerRuntime: containerd
        pullModes: [nydus]
  - name: se-01
    platform: se
    arch: s390x
    runs:
      - releases: [v0.15.0]
        cluster: { distro: kubeadm, kubernetes: "1.30", source: packages }
        containerRuntime: containerd
        pullModes: [nydus]
      - releases: [v0.21.0]
        cluster: { distro: kubeadm, kubernetes: "1.34", source: packages }
        containerRuntime: containerd
        pullModes: [nydus]
  - name: gpu-tdx-01
    platform: nvidia-gpu-tdx
    arch: x86_64
    runs:
      - releases: [v0.18.0]
        cluster: { distro: kubeadm, kubernetes: "1.34", source: packages }
        containerRuntime: containerd
        pullModes: [nydus]
`;

interface SummaryTest { id: string; expected: { expect: string; reason?: string }; files: string[] }
interface PlanJson {
  kbs: Array<{ op: string; path?: string }>; notes: string[]; failureText?: { surfaces: string; fragments: string[] }; expect: Record<string, string>;
  node?: { setup: string[]; cleanup: string[] };
  secureImageRebuild?: { kernelParams: string; commandLine: string; executedBy: string; missingInputs: string[] };
}
interface PodYaml { kind: string; metadata: { annotations?: Record<string, string> } }

let out = '';
const cellDir = (cell: string) => join(out, 'dry-run', cell);
const commands = (cell: string) => readFileSync(join(cellDir(cell), 'commands.sh'), 'utf8');
/** The dry run's recorded files of a cell, by the end of their recorded path. */
function recordedFile(cell: string, pathEnd: string): string {
  const dir = join(cellDir(cell), 'files');
  const hit = readdirSync(dir).map((name) => readFileSync(join(dir, name), 'utf8')).find((text) => text.split('\n')[0]!.endsWith(pathEnd));
  if (hit === undefined) throw new Error(`${cell}: no recorded file ending in ${pathEnd}`);
  return hit.split('\n').slice(1).join('\n');
}
const summary = (cell: string) => (JSON.parse(readFileSync(join(cellDir(cell), 'suites', 'summary.json'), 'utf8')) as { tests: SummaryTest[] }).tests;
/** A test's dry-run file, found through summary.json (folders are named by suite, files by test case). */
function testFile(cell: string, testId: string, name: string): string {
  const file = summary(cell).find((t) => t.id === testId)?.files.find((f) => f.endsWith(`/${name}`));
  if (file === undefined) throw new Error(`${cell}: the dry run wrote no ${name} for ${testId}`);
  return readFileSync(join(cellDir(cell), 'suites', file), 'utf8');
}
const planOf = (cell: string, testId: string) => JSON.parse(testFile(cell, testId, 'plan.json')) as PlanJson;
const podOf = (cell: string, testId: string) => (testFile(cell, testId, 'manifests.yaml').split(/^---$/m)
  .map((doc) => parse(doc) as PodYaml | null).find((doc) => doc?.kind === 'Pod'))!;

test.beforeAll(async () => {
  out = scratch('fidelity-dry-runs');
  mkdirSync(out, { recursive: true });
  const matrix = join(out, 'matrix.yaml');
  writeFileSync(matrix, MATRIX);
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'run', '--matrix', matrix, '--dry-run', '--out', out],
    { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
  expect(result.exitCode, result.stderr.slice(-800)).toBe(0);
});

test('v0.14.0 TDX: the CcRuntime gets debug on, so the hub-only decryption texts can reach the kata journal; the pod gets only the agent\'s error, at the sandbox without init-data', () => {
  const kustomization = parse(recordedFile(CELLS.v014tdx, '/ccruntime/kustomization.yaml')) as { resources: string[]; patches: Array<{ patch: string }> };
  expect(kustomization.resources).toEqual(['github.com/confidential-containers/operator/config/samples/ccruntime/default?ref=v0.14.0']);
  expect(parse(kustomization.patches[0]!.patch)).toEqual([{ op: 'add', path: '/spec/config/debug', value: true }]);
  // guest-components v0.13.0: "decrypt image (unwrap key) failed" is the hub's own error (hub/src/error.rs:25), logged
  // (bin/ttrpc_server/mod.rs:121) — the guest's log; image-rs returns only "failed to pull image" (image-rs/src/image.rs:230).
  expect(planOf(CELLS.v014tdx, 'encrypted-image/no-key-fails').failureText).toEqual({ surfaces: 'guest-log',
    fragments: ['decrypt image (unwrap key) failed', 'kms interface when get KEK failed'] });
  expect(planOf(CELLS.v014tdx, 'authenticated-registry/wrong-credentials-fail').failureText).toEqual({ surfaces: 'agent-error', fragments: ['failed to pull image'] });
  // Without init-data the hub's status is in the agent's CreateSandbox error (kata 3.17.0 src/agent/src/rpc.rs:1336,
  // image-rs builder.rs:104): kubelet's FailedCreatePodSandBox events carry it and the pod stays ContainerCreating.
  const withoutInitData = planOf(CELLS.v014tdx, 'init-data/no-kbs-without-init-data');
  expect(withoutInitData.failureText).toEqual({ surfaces: 'agent-error', fragments: ['[CDH] [ERROR]: Get Resource failed'] });
  expect(withoutInitData.expect.failsAt).toBe('sandbox');
  // kata 3.17.0 confidential_kbs.sh:323: qemu-tdx deploys trustee's ita/ directory.
  expect(recordedFile(CELLS.v014tdx, '/coco-conformance/kustomization.yaml')).toContain('- ../ita');
});

/** kata's build_secure_image appends these to the pod's kernel_params value in the parmfile (lib_se.sh:52 at 3.19.1,
 *  :56 at 3.31.0). */
const SE_APPENDED = 'panic=1 scsi_mod.scan=none swiotlb=262144 agent.debug_console agent.debug_console_vport=1026';
const SE_PARAMS_TESTS = ['signed-images/unsigned-image-rejected', 'signed-images/signed-image-runs', 'signed-images/unsigned-accept-anything-runs',
  'signed-images/wrong-key-rejected', 'signed-images/no-policy-runs', 'init-data/kbs-from-init-data', 'init-data/no-kbs-without-init-data'];

/** What the real shell writes to the parmfile when it runs the plan's line that writes it. */
async function parmfileWritten(setup: string): Promise<string> {
  const line = setup.split('\n').find((l) => l.endsWith(' > "$parmfile"') && l.startsWith("printf '%s\\n' "));
  expect(line, 'the rebuild writes a parmfile').toBeDefined();
  const dir = scratch('fidelity-parmfile');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'parmfile');
  const run = await runCommand(['sh', '-c', `parmfile=${file}; ${line}`], { nothrow: true });
  expect(run.exitCode, run.stderr).toBe(0);
  return readFileSync(file, 'utf8');
}

for (const [cell, kata, kernel, hypervisorBranch] of [
  [CELLS.v015se, '3.19.1', 'vmlinuz-confidential.container', 'qemu-se'],
  [CELLS.v021se, '3.31.0', 'vmlinuz.container', 'qemu-se*'],
] as const) {
  test(`${cell.split('/')[0]} SE: each test that needs its pod's own kernel parameters rebuilds the secure image with them, as kata ${kata}'s set_metadata_annotation does`, async () => {
    const byId = new Map(summary(cell).map((t) => [t.id, t.expected]));
    for (const id of SE_PARAMS_TESTS) {
      expect(byId.get(id)?.expect, `${id}: ${byId.get(id)?.reason ?? ''}`).not.toBe('skip');
      const plan = planOf(cell, id);
      const rebuild = plan.secureImageRebuild!;
      // The pod carries the kernel_params annotation (lib.sh set_metadata_annotation sets it, "" included), and the image
      // is rebuilt with exactly that value.
      const annotation = podOf(cell, id).metadata.annotations?.['io.katacontainers.config.hypervisor.kernel_params'];
      expect(annotation, id).toBeDefined();
      expect(rebuild.kernelParams, id).toBe(annotation);
      expect(rebuild.executedBy).toBe('the IBM SE runner (genprotimg, s390-tools) through the node shell');
      // No runner inputs in a dry run: both are named.
      expect(rebuild.missingInputs.map((m) => m.split(':')[0])).toEqual(['COCO_IBM_SE_HKD_PATH', 'COCO_IBM_SE_CREDS_DIR']);
      const [shell, flag, setup] = plan.node!.setup;
      expect([shell, flag]).toEqual(['sh', '-c']);
      // The real shell parses both scripts and writes the parmfile upstream's build_secure_image writes.
      for (const script of [setup!, plan.node!.cleanup[2]!]) {
        const parsed = await runCommand(['sh', '-n', '-c', script], { nothrow: true });
        expect(parsed.exitCode, parsed.stderr).toBe(0);
      }
      expect(await parmfileWritten(setup!), id).toBe(`${annotation} ${SE_APPENDED}\n`);
      // repack_secure_image: Kernel.Path of configuration-qemu-se.toml; kernel and initrd copied into $IBM_SE_CREDS_DIR/hdr;
      // genprotimg --no-verify (--x-pcf '0xe0' below 2.17.0); installed over the runtime's image; hdr/hdr.bin for the KBS.
      expect(setup).toContain("--config '/opt/kata/share/defaults/kata-containers/configuration-qemu-se.toml' env --json | jq -r '.Kernel.Path'");
      expect(setup).toContain(`cp "$kernel_dir"/'${kernel}' "$kernel_dir"/'kata-containers-initrd-confidential.img' '<COCO_IBM_SE_CREDS_DIR>/hdr'/`);
      expect(setup).toContain(`for hkd in '<COCO_IBM_SE_HKD_PATH>'/HKD-*.crt; do`);
      expect(setup).toContain(`genprotimg "$@" --output='<COCO_IBM_SE_CREDS_DIR>/hdr/kata-containers-se.img' --image='<COCO_IBM_SE_CREDS_DIR>/hdr/${kernel}' ` +
        `--ramdisk='<COCO_IBM_SE_CREDS_DIR>/hdr/kata-containers-initrd-confidential.img' --parmfile="$parmfile" '--no-verify'`);
      expect(setup).toContain(`!= '2.17.0' ]; then set -- '--x-pcf' '0xe0' "$@"; fi`);
      expect(setup).toContain(`cp '<COCO_IBM_SE_CREDS_DIR>/hdr/kata-containers-se.img' "$kernel_dir"/\nmv '<COCO_IBM_SE_CREDS_DIR>/hdr/kata-containers-se.img' '<COCO_IBM_SE_CREDS_DIR>/hdr/hdr.bin'`);
      expect(plan.notes.join('\n')).toContain(`as kata ${kata}'s set_metadata_annotation → repack_secure_image does`);
    }
    // kata keys the rebuild on KATA_HYPERVISOR (lib.sh: == "qemu-se" to 3.19.1, == qemu-se* from 3.21.0).
    expect(loadRelease(cell.split('/')[0]!).platforms.se?.secureImage?.rebuild?.kataHypervisors).toEqual([hypervisorBranch]);
    // The suites whose pods share the runner's image still run, with no kernel_params annotation and no rebuild.
    expect(byId.get('attestation/resource-released-allow-all')?.expect).not.toBe('skip');
    expect(podOf(cell, 'attestation/resource-released-allow-all').metadata.annotations?.['io.katacontainers.config.hypervisor.kernel_params']).toBeUndefined();
    expect(planOf(cell, 'attestation/resource-released-allow-all').node).toBeUndefined();
  });
}

test('v0.15.0 SE: the KBS deploys trustee\'s nodeport/ibm-se', () => {
  // kata 3.19.1 confidential_kbs.sh:308 (`== "qemu-se"`): SE's deploy directory.
  expect(recordedFile(CELLS.v015se, '/coco-conformance/kustomization.yaml')).toContain('- ../nodeport/ibm-se');
});

test('v0.16.0 TDX: the ITA build gets kata 3.21.0\'s extra_teekey_paths and policy.rego edits', () => {
  expect(recordedFile(CELLS.v016tdx, '/ita/kbs-config.toml')).toContain(
    '"extra_teekey_paths = [\\"/tdx/attester_runtime_data/tee-pubkey\\"]" appended after the line with "trusted_jwk_sets"');
  expect(recordedFile(CELLS.v016tdx, '/ita/policy.rego')).toContain('the first "attester_type" on each line replaced by "tdx\\"][\\"attester_type"');
  // The ITA key stays a placeholder: the API key is a secret.
  expect(commands(CELLS.v016tdx)).not.toMatch(/api_key = "[^t<]/);
});

test('v0.18.0 nvidia-gpu-tdx: trustee\'s nodeport directory with the release\'s KBS image (no ITA build, no ITA key); the chart gets debug on', () => {
  const kustomization = recordedFile(CELLS.v018gpuTdx, '/coco-conformance/kustomization.yaml');
  expect(kustomization).toContain('- ../nodeport');
  expect(kustomization).not.toContain('ita');
  expect(kustomization).toContain('newName: ghcr.io/confidential-containers/staged-images/kbs\n');
  expect(commands(CELLS.v018gpuTdx)).not.toContain('COCO_ITA_API_KEY');
  // kata 3.25.0 run-k8s-tests-on-nvidia-gpu.yaml:85 deploys the KBS with NVIDIA_VERIFIER_MODE: remote; trustee f342a12
  // deploy-kbs.sh:36-44 writes the table with type "Remote".
  expect(recordedFile(CELLS.v018gpuTdx, '/kbs/config/kubernetes/base/kbs-config.toml'))
    .toContain('[attestation_service.verifier_config.nvidia_verifier] type = "Remote"');
  // kata 3.25.0 tools/packaging/kata-deploy/helm-chart/kata-deploy/values.yaml:23 `debug`, under the chart's alias.
  expect((parse(recordedFile(CELLS.v018gpuTdx, '/helm-values.yaml')) as { 'kata-as-coco-runtime': { debug: unknown } })['kata-as-coco-runtime'].debug).toBe(true);
});

test('v0.18.0 nvidia-gpu-tdx, pull mode nydus: the chart values the install passes force guest pull for the GPU shim, so guest pull is expected to pass, and the dry run says it is forced, not nydus', () => {
  // kata 3.25.0 tools/packaging/kata-deploy/helm-chart/kata-deploy/values.yaml:115-116: qemu-nvidia-gpu-tdx has
  // snapshotter "" and forceGuestPull true (_helpers.tpl:273-292 → EXPERIMENTAL_FORCE_GUEST_PULL; install.rs:213-218).
  const values = parse(recordedFile(CELLS.v018gpuTdx, '/helm-values.yaml')) as
    { 'kata-as-coco-runtime': { shims: Record<string, { containerd: { snapshotter: string; forceGuestPull: boolean } }> } };
  expect(values['kata-as-coco-runtime'].shims['qemu-nvidia-gpu-tdx']!.containerd).toEqual({ snapshotter: '', forceGuestPull: true });
  const guestPull = summary(CELLS.v018gpuTdx).find((t) => t.id === 'guest-pull/not-unpacked-on-host')!;
  expect(guestPull.expected.expect).toBe('pass');
  const setup = readFileSync(join(cellDir(CELLS.v018gpuTdx), 'suites', 'RUNTIME-SETUP.md'), 'utf8');
  expect(setup).toContain('install values kata-as-coco-runtime.shims.qemu-nvidia-gpu-tdx.containerd: snapshotter "", forceGuestPull true');
  expect(planOf(CELLS.v018gpuTdx, 'guest-pull/not-unpacked-on-host').notes.join('\n')).toContain('forces guest pull');
});

test('v0.16.0\'s ITA edits put extra_teekey_paths into [attestation_token], where trustee reads it (kbs/src/token/mod.rs:34)', async () => {
  // A double of trustee ea56c1bf kbs/config/kubernetes/ita/kbs-config.toml's tables (the harness edits the real file).
  const double = ['[attestation_token]', 'trusted_jwk_sets = ["https://portal.trustauthority.intel.com"]', '',
    '[attestation_service]', 'type = "intel_ta"', 'api_key = "<key>"', ''].join('\n');
  const tdx = loadRelease('v0.16.0').kbs.deployDirs.tdx!;
  const edits = tdx.kind === 'ita' ? tdx.edits ?? [] : [];
  const edited = edits.filter((e) => e.file.endsWith('kbs-config.toml')).reduce((text, edit) => applyKbsFileEdit(text, edit, 'kbs-config.toml'), double);
  const parsed = await parseTomlWithTomllib(edited);
  expect(parsed.attestation_token).toEqual({ trusted_jwk_sets: ['https://portal.trustauthority.intel.com'], extra_teekey_paths: ['/tdx/attester_runtime_data/tee-pubkey'] });
  expect(parsed.attestation_service).not.toHaveProperty('extra_teekey_paths');
  // A double of ita/policy.rego:41: the attester type is read under the tdx claims of ITA v2.
  const rego = edits.filter((e) => e.file.endsWith('policy.rego')).reduce((text, edit) => applyKbsFileEdit(text, edit, 'policy.rego'),
    '\tinput["attester_type"] != "sample"');
  expect(rego).toBe('\tinput["tdx"]["attester_type"] != "sample"');
  // An edit that finds nothing to edit means trustee's file is not what kata edited: an error, not a silent no-op.
  expect(() => applyKbsFileEdit('[attestation_token]\n', edits[0]!, 'kbs-config.toml')).toThrow(/no line contains "trusted_jwk_sets"/);
});

/** kata's GPU workflow deploys the KBS with NVIDIA_VERIFIER_MODE: remote (3.25.0 and 3.28.0
 *  run-k8s-tests-on-nvidia-gpu.yaml:85, 3.29.0 :87, 3.31.0 :100); trustee's deploy-kbs.sh writes it as the verifier
 *  table's type: "Remote" at f342a12 (:36-44, v0.18.0's trustee), the mode as given from f5cb8fc on (:36-55). */
const NVIDIA_VERIFIER_TYPE: Record<string, string> = { 'v0.18.0': 'Remote', 'v0.19.0': 'remote', 'v0.20.0': 'remote', 'v0.21.0': 'remote' };

test('every release that claims GPU attestation gives the GPU platforms\' KBS the remote NVIDIA verifier, as kata\'s GPU CI deploys it; tomllib reads it where trustee does', async () => {
  for (const [release, type] of Object.entries(NVIDIA_VERIFIER_TYPE)) {
    const profile = loadRelease(release);
    for (const platform of ['nvidia-gpu-snp', 'nvidia-gpu-tdx'] as const) {
      expect(profile.claims.attestation[platform]?.status, `${release} ${platform}`).toBe('supported');
      const verifier = profile.kbs.nvidiaVerifier;
      expect(verifier && selectsHandler(verifier, profile.platforms[platform]!.handler), `${release}: kbs.nvidiaVerifier selects ${platform}`).toBe(true);
      expect(verifier?.type, release).toBe(type);
    }
    // Never another platform's KBS: TDX's (ITA) and SNP's keep trustee's configuration as kata deploys it.
    for (const platform of ['tdx', 'snp', 'coco-dev'] as const) {
      expect(selectsHandler(profile.kbs.nvidiaVerifier!, profile.platforms[platform]!.handler), `${release} ${platform}`).toBe(false);
    }
  }
  const verifier = loadRelease('v0.21.0').kbs.nvidiaVerifier!;
  // A double of trustee d4e3176 kbs/config/kubernetes/base/kbs-config.toml's first tables (the harness edits the real file).
  const base = ['[http_server]', 'sockets = ["0.0.0.0:8080"]', 'insecure_http = true', '', '[attestation_service]', 'type = "coco_as_builtin"', '',
    '[attestation_service.attestation_token_broker]', 'type = "Ear"', 'duration_min = 5', ''].join('\n');
  const added = await parseTomlWithTomllib(withNvidiaVerifier(base, verifier));
  expect(added.attestation_service).toEqual({ type: 'coco_as_builtin', attestation_token_broker: { type: 'Ear', duration_min: 5 },
    verifier_config: { nvidia_verifier: { type: 'remote' } } });
  expect(added.http_server).toEqual({ sockets: ['0.0.0.0:8080'], insecure_http: true });
  // Where the table is there already (deploy-kbs.sh from f5cb8fc writes type = "local" by default), its type is replaced.
  const local = `${base}\n[attestation_service.verifier_config.nvidia_verifier]\ntype = "local"\n`;
  expect((await parseTomlWithTomllib(withNvidiaVerifier(local, verifier))).attestation_service).toMatchObject({ verifier_config: { nvidia_verifier: { type: 'remote' } } });
  expect(() => withNvidiaVerifier('[attestation_service]\nverifier_config = 1\n', verifier)).toThrow(/verifier_config of attestation_service\.verifier_config\.nvidia_verifier is not a table/);
});

test('TDX init-data of v0.17.0+ is tested here but not upstream: plan counts it, the report marks the grid cell and names the skips', async () => {
  const result = await runCommand([process.execPath, join(ROOT, 'bin/coco-conformance.mjs'), 'plan', '--matrix', 'matrix/all-releases.yaml',
    '--cell', 'v0.18.0/tdx/kubeadm-1.30/containerd/nydus'], { nothrow: true, cwd: ROOT, env: { CI: 'true', PATH: `${process.env.PATH}` } });
  expect(result.exitCode, result.stderr).toBe(0);
  // The two init-data tests (kata 3.25.0 skips every "(with initdata)" test on qemu-tdx, issue 11945): one runs, the
  // one that needs no guest runs too; neither is skipped here. The third: trusted image storage (kata 3.25.0
  // k8s-guest-pull-image.bats:90-92 skips qemu-tdx, issue 10838).
  expect(result.stdout).toMatch(/v0\.18\.0\/tdx\/kubeadm-1\.30\/containerd\/nydus .*, 3 not tested upstream/);
  const report = buildCompatibilityReport({ records: [], profile: loadRelease('v0.18.0'), generatedAt: 'fixed' });
  // (The GPU platforms' marks have their own test below.)
  const initData = report.notTestedUpstream.filter((n) => n.feature === 'init-data' && !n.platform.startsWith('nvidia-gpu'));
  expect(initData).toEqual([expect.objectContaining({ feature: 'init-data', platform: 'tdx' })]);
  expect(initData[0]!.reason).toContain('k8s-guest-pull-image-signature.bats:159');
  expect(report.notTestedUpstream.filter((n) => n.feature === 'trusted-image-storage').map((n) => n.platform).sort())
    .toEqual(['nvidia-gpu-snp', 'nvidia-gpu-tdx', 'se', 'snp', 'tdx']);
  const markdown = renderMarkdown(report);
  expect(markdown).toContain('‡ not tested upstream: the release claims it, upstream CI skips it; tested here.');
  expect(markdown).toMatch(/- init-data × tdx: kata 3\.25\.0 tests\/integration\/kubernetes\/k8s-guest-pull-image-signature\.bats/);
  const html = renderHtml(report);
  expect(html).toContain('<h2>Not tested upstream</h2><ul id="not-tested-upstream"><li>');
  expect(html).toContain('<li>init-data × tdx: kata 3.25.0');
  // Where upstream does test it (SNP), nothing is marked.
  expect(initData.some((n) => n.platform === 'snp')).toBe(false);
});

/** What upstream's GPU CI exercises, written here from the source (not read from the profiles):
 *  - no job runs qemu-nvidia-gpu-tdx: run-k8s-tests-on-nvidia-gpu.yaml's matrix is qemu-nvidia-gpu and
 *    qemu-nvidia-gpu-snp (kata 3.25.0/3.28.0/3.29.0 :40-41), plus their runtime-rs twins (3.31.0 :48-51);
 *  - the qemu-nvidia-gpu-snp job runs run_kubernetes_nv_tests.sh's K8S_TEST_NV only (3.25.0 :38-40, 3.28.0 :90-92,
 *    3.29.0 :90-93, 3.31.0 :74-77): k8s-confidential-attestation.bats (attestation), k8s-nvidia-cuda.bats and the NIM
 *    bats, whose TEE pods pull in the guest with registry credentials from KBS (3.25.0 nvidia-nim-llama-3-1-8b-instruct-
 *    tee.yaml.in:13), from 3.28.0 through init-data with signed sealed secrets (k8s-nvidia-nim.bats:58-70,89-111), from
 *    3.29.0 with an image signature policy too (:115). Never an encrypted image, the TEE evidence check
 *    (k8s-confidential.bats), trusted storage of either kind. */
const GPU_SNP_NOT_UPSTREAM: Record<string, string[]> = {
  'v0.18.0': ['encrypted-images', 'init-data', 'sealed-secrets', 'signed-images', 'tee-evidence', 'trusted-image-storage'],
  'v0.19.0': ['encrypted-images', 'signed-images', 'tee-evidence', 'trusted-image-storage'],
  'v0.20.0': ['encrypted-images', 'tee-evidence', 'trusted-image-storage', 'trusted-storage'],
  'v0.21.0': ['encrypted-images', 'tee-evidence', 'trusted-image-storage', 'trusted-storage'],
};

test('GPU claims name what upstream\'s GPU CI does not run: every nvidia-gpu-tdx claim, and on nvidia-gpu-snp what K8S_TEST_NV leaves out', () => {
  for (const [release, snpGaps] of Object.entries(GPU_SNP_NOT_UPSTREAM)) {
    const profile = loadRelease(release);
    const report = buildCompatibilityReport({ records: [], profile, generatedAt: 'fixed' });
    const marked = (platform: string) => report.notTestedUpstream.filter((n) => n.platform === platform).map((n) => n.feature).sort();
    expect(marked('nvidia-gpu-snp'), `${release} nvidia-gpu-snp`).toEqual(snpGaps);
    // Every claim on nvidia-gpu-tdx that is supported (or a limitation): no upstream job exercises any of them.
    const tdxClaimed = Object.entries(profile.claims)
      .filter(([, byPlatform]) => { const c = (byPlatform as Record<string, { status: string }>)['nvidia-gpu-tdx']; return c && (c.status === 'supported' || c.status === 'limitation'); })
      .map(([feature]) => feature).sort();
    expect(tdxClaimed.length, release).toBeGreaterThan(8);
    expect(marked('nvidia-gpu-tdx'), `${release} nvidia-gpu-tdx`).toEqual(tdxClaimed);
    expect(report.notTestedUpstream.find((n) => n.platform === 'nvidia-gpu-tdx' && n.feature === 'attestation')?.reason)
      .toMatch(/run-k8s-tests-on-nvidia-gpu\.yaml:\d+-\d+: .*no upstream job runs qemu-nvidia-gpu-tdx/);
  }
});

test('the harness\'s ccruntime kustomization, rendered by the real kustomize over the operator double, sets the CcRuntime\'s debug (v0.14.0)', async () => {
  const profile = loadRelease('v0.14.0');
  const recipe = profile.install as OperatorInstall;
  const overlay = recipe.overlays[CONTROL_OPERATOR_OVERLAY]!;
  const root = scratch('ccruntime-debug');
  const double = writeOperatorDouble({ dir: join(root, 'double'), release: profile.release, recipe, overlayName: CONTROL_OPERATOR_OVERLAY,
    image: { repository: '127.0.0.1:5000/coco-conformance/install-double', tag: 'v1' } });
  const dir = join(root, 'ccruntime');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kustomization.yaml'), ccRuntimeKustomization(double.kustomization(overlay.kustomization), dir, overlay, recipe.hypervisorDebug));
  const rendered = (await runCommand([kubectlForKustomize(), 'kustomize', dir])).stdout;
  const ccRuntime = parseAllDocuments(rendered).map((doc) => doc.toJS() as { kind: string; spec: { config: { debug?: boolean } } })
    .find((o) => o.kind === 'CcRuntime');
  // The overlays say `debug: false` (operator v0.14.0 config/samples/ccruntime/default/kustomization.yaml:38-40).
  expect(ccRuntime?.spec.config.debug).toBe(true);
});
