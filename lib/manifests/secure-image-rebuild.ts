import { posix } from 'node:path';
import type { ReleaseProfile, SecureImageRebuild } from '../../matrix/index.ts';
import type { PodManifest } from './kube-object.ts';
import { shQuote } from './plans/plan-helpers.ts';
import type { ManifestContext, SecureImageInputs } from './render-context.ts';
import type { NodeSteps, SecureImageRebuildStep, TestPlan } from './test-plan.ts';

/** The environment variables an IBM SE runner gives its folders on the node in (kata's HKD_PATH, IBM_SE_CREDS_DIR). */
export const SECURE_IMAGE_INPUT_ENV = {
  hostKeyDir: 'COCO_IBM_SE_HKD_PATH',
  credsDir: 'COCO_IBM_SE_CREDS_DIR',
} as const satisfies Record<keyof SecureImageInputs, string>;

const INPUT_WHY: Record<keyof SecureImageInputs, string> = {
  hostKeyDir: "the folder of the machine's host key documents genprotimg seals the image for (kata's HKD_PATH)",
  credsDir: "the SE credentials folder the KBS mounts, where the rebuilt image becomes the KBS's image header (kata's IBM_SE_CREDS_DIR)",
};

/** The plan of a test whose pod gets its own kernel parameters through a rebuilt secure image: kata's
 *  set_metadata_annotation → repack_secure_image, before the pod is created, with the value of the pod's
 *  kernel_params annotation (the pod was rendered with ctx.rebuildsSecureImage, so it carries one). The node steps
 *  keep the runner's own image and header aside and put them back after the test, whatever its outcome: upstream
 *  rebuilds for every pod, the harness's other tests boot the runner's image. */
export function withSecureImageRebuild(plan: TestPlan, ctx: ManifestContext, rebuild: SecureImageRebuild): TestPlan {
  if (plan.node) throw new Error(`plan of ${plan.testId} already runs node steps (${plan.node.why}); a secure image rebuild cannot be added`);
  const annotation = ctx.profile.guestComponents.annotations.kernelParams;
  const pod = plan.manifests.find((m): m is PodManifest => m.kind === 'Pod' && m.metadata.name === plan.pod);
  const kernelParams = pod?.metadata.annotations?.[annotation];
  if (kernelParams === undefined) throw new Error(`plan of ${plan.testId}: pod ${plan.pod} has no ${annotation} annotation to rebuild the secure image with`);
  const inputs = ctx.secureImageInputs ?? {};
  const missing = (Object.keys(INPUT_WHY) as (keyof SecureImageInputs)[]).filter((key) => !inputs[key]);
  const folder = (key: keyof SecureImageInputs) => inputs[key] ?? `<${SECURE_IMAGE_INPUT_ENV[key]}>`;
  const commandLine = secureImageCommandLine(kernelParams, rebuild);
  const backup = `/tmp/coco-conformance-${ctx.unique}-secure-image`;
  const step: SecureImageRebuildStep = {
    kernelParams, commandLine, executedBy: 'the IBM SE runner (genprotimg, s390-tools) through the node shell',
    missingInputs: missing.map((key) => `${SECURE_IMAGE_INPUT_ENV[key]}: ${INPUT_WHY[key]}`),
  };
  return {
    ...plan,
    secureImageRebuild: step,
    node: rebuildSteps(rebuild, { hostKeyDir: folder('hostKeyDir'), credsDir: folder('credsDir') }, commandLine, backup),
    notes: [
      ...plan.notes,
      `${ctx.platform} boots the kernel command line sealed into the node's secure image: before the pod starts, the image is rebuilt ` +
        `with the pod's ${annotation} value as ${kataRef(ctx.profile)} set_metadata_annotation → repack_secure_image does, by genprotimg ` +
        'on the node (a command the SE runner executes), and becomes the KBS\'s image header; the runner\'s image and header are put back after the test',
    ],
  };
}

/** The parmfile line of kata's build_secure_image: `${kernel_params} <appended>`, a leading space where the pod asks
 *  for nothing (kata 3.23.0+'s init-data pods pass ""). */
export function secureImageCommandLine(kernelParams: string, rebuild: SecureImageRebuild): string {
  return `${kernelParams} ${rebuild.appendedParams}`;
}

function kataRef(profile: ReleaseProfile): string {
  return `kata ${profile.components.kata.version}'s`;
}

/** A file-name pattern from the profile goes into the script unquoted (the shell expands it): only name characters. */
const SAFE_GLOB = /^[A-Za-z0-9._*-]+$/;

/** repack_secure_image and build_secure_image as one POSIX script each way (node shell argv, run as root on the node,
 *  as upstream runs them on its SE runner): the setup rebuilds, the cleanup restores. */
function rebuildSteps(rebuild: SecureImageRebuild, folders: Required<SecureImageInputs>, commandLine: string, backup: string): NodeSteps {
  if (!SAFE_GLOB.test(rebuild.hostKeyDocuments)) throw new Error(`secureImage.rebuild.hostKeyDocuments ${JSON.stringify(rebuild.hostKeyDocuments)} is not a file-name pattern`);
  const q = shQuote;
  const work = posix.join(folders.credsDir, posix.dirname(rebuild.kbsHeader));
  const inWork = (name: string) => q(posix.join(work, name));
  const header = q(posix.join(folders.credsDir, rebuild.kbsHeader));
  const built = inWork(rebuild.image);
  const kept = (name: string) => q(posix.join(backup, name));
  const setup = [
    'set -eu',
    // lib_se.sh repack_secure_image: the folder of the runtime's Kernel.Path holds kernel, initrd and the image it boots.
    `kernel_path=$(${q(rebuild.runtimeCli)} --config ${q(rebuild.runtimeConfig)} env --json | jq -r '.Kernel.Path')`,
    'kernel_dir=$(dirname "$kernel_path")',
    // Kept aside first, so the cleanup can put the runner's image and header back.
    `mkdir -p ${q(backup)} ${q(work)}`,
    `printf '%s\\n' "$kernel_dir" > ${kept('kernel-dir')}`,
    `cp "$kernel_dir"/${q(rebuild.image)} ${kept('image')}`,
    `if [ -f ${header} ]; then cp ${header} ${kept('header')}; fi`,
    `cp "$kernel_dir"/${q(rebuild.kernel)} "$kernel_dir"/${q(rebuild.initrd)} ${q(work)}/`,
    // build_secure_image: the parmfile, one --host-key-document per document, --x-pcf for an old genprotimg.
    'parmfile=$(mktemp --suffix=-cmdline)',
    // Upstream removes it only after a successful genprotimg (lib_se.sh:81 at 3.19.1); here it goes on every exit,
    // a missing host key document or genprotimg included, so a failed rebuild leaves nothing in the node's /tmp.
    `trap 'rm -f "$parmfile"' EXIT`,
    `printf '%s\\n' ${q(commandLine)} > "$parmfile"`,
    'chmod 600 "$parmfile"',
    'set --',
    `for hkd in ${q(folders.hostKeyDir)}/${rebuild.hostKeyDocuments}; do`,
    `  [ -f "$hkd" ] || { echo "no host key document ${rebuild.hostKeyDocuments} in "${q(folders.hostKeyDir)} >&2; exit 1; }`,
    '  set -- "$@" --host-key-document="$hkd"',
    'done',
    "command -v genprotimg >/dev/null 2>&1 || { echo 'genprotimg not found: the s390-tools package is not installed' >&2; exit 1; }",
    "version=$(genprotimg --version | sed -n 's/.*version \\([^- ]*\\).*/\\1/p' | head -n 1)",
    `if [ "$(printf '%s\\n%s\\n' "$version" ${q(rebuild.legacyPcf.below)} | sort -V | head -n 1)" != ${q(rebuild.legacyPcf.below)} ]; then set -- ${rebuild.legacyPcf.args.map(q).join(' ')} "$@"; fi`,
    ['genprotimg "$@"', `--output=${built}`, `--image=${inWork(rebuild.kernel)}`, `--ramdisk=${inWork(rebuild.initrd)}`,
      '--parmfile="$parmfile"', ...rebuild.verification.map(q)].join(' '),
    // Installed over the image the runtime boots, then the KBS's header (for_kbs=true), the copies removed.
    `cp ${built} "$kernel_dir"/`,
    `mv ${built} ${header}`,
    `rm -f ${inWork(rebuild.kernel)} ${inWork(rebuild.initrd)}`,
  ].join('\n');
  const cleanup = [
    `if [ -f ${kept('kernel-dir')} ] && [ -f ${kept('image')} ]; then cp ${kept('image')} "$(cat ${kept('kernel-dir')})"/${q(rebuild.image)}; fi`,
    `if [ -f ${kept('header')} ]; then cp ${kept('header')} ${header}; fi`,
    `rm -rf ${q(backup)}`,
  ].join('\n');
  return {
    why: "the secure image is rebuilt with the pod's kernel parameters (genprotimg), as upstream does before each such pod",
    setup: ['sh', '-c', setup],
    cleanup: ['sh', '-c', cleanup],
  };
}

