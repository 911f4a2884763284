import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestImages, ensureSkopeo, pushImage, type BuiltImage } from '../../lib/images/index.ts';
import { generateAdminKeyPair, KbsDouble, loadAdminPublicKey, trusteeGeneration, type StartedKbsDouble } from '../../lib/kbs/index.ts';
import type { KbsRecipe } from '../../matrix/release-profile.ts';
import { LocalRegistry, registerRegistryCredentials, type StartedLocalRegistry } from '../../lib/registry/index.ts';
import type { ImageSource } from '../../lib/suite-environment.ts';
import type { PlatformSetup, PlatformSetupContext, PreparedPlatform } from './platform-setup.ts';
import { trustLocalRegistry } from './registry-hosts.ts';
import {
  apiServerOf, buildInstallDoubleImage, type ApiServerAddress, chartDoubleDescription, ensureHelm, OPERATOR_DOUBLE_DESCRIPTION, packageChartDouble, relativeTarget,
  writeOperatorDouble,
} from '../../lib/install-doubles/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { CONTROL_OPERATOR_OVERLAY, type InstallDoubles } from '../install/index.ts';
import { controlRuntimeClass } from '../install/control-install.ts';
import { helmCommand } from '../install/helm-install.ts';
import { plannedBundle } from '../providers/kubeadm/offline-bundle.ts';

/** The double as records and reports name it: the trustee ref and generation it reproduces, and its known gaps. */
export function kbsDoubleDescription(kbs: KbsRecipe): string {
  const generation = trusteeGeneration(kbs);
  return `KBS: test double of trustee ${generation.ref}'s admin API (lib/kbs/kbs-double.ts), generation: ${generation.name}` +
    ` — verifies the EdDSA admin JWT as that trustee does; releases nothing to a guest. Known gaps: ${generation.knownGaps.join('; ')}`;
}

/** The control platform on a cluster that runs on this machine: runc, no confidentiality. Trustee and upstream
 *  test images cannot be pulled here, so it brings a real open registry and a real authenticated (htpasswd)
 *  registry with images built here from Debian's busybox-static, and the KBS test double, all listening on the
 *  node's address so pods and containerd reach them without leaving this machine. */
export const controlPlatformSetup: PlatformSetup = {
  providesKbs: true,
  async prepare(ctx: PlatformSetupContext): Promise<PreparedPlatform> {
    // Where the node and its pods reach this machine: the node's own address when the node is this machine
    // (kubeadm), else the address the provider names (kind: its network's gateway).
    const nodeIp = ctx.cluster.hostAddress ?? ctx.cluster.nodes[0]?.internalIp;
    if (ctx.dryRun) return dryRunPlan(ctx, nodeIp ?? '<node-internal-ip>');
    if (!nodeIp) throw new Error('failed to prepare the control platform: the cluster reports no node InternalIP');
    const undo: Array<() => Promise<void> | void> = [];
    const cleanup = async () => {
      for (const step of undo.reverse()) await step();
    };
    try {
      const dir = join(ctx.workDir, 'control');
      const { images, busybox, skopeo } = await serveSelfBuiltImages(dir, nodeIp, ctx.cluster.registryHostsDir, undo, ctx.log);
      // A node that is not this machine (kind) is reached through a debug pod of the test image, loaded into the
      // node so that it never needs pulling.
      const nodeIsThisMachine = ctx.cluster.hostAddress === undefined;
      if (!nodeIsThisMachine) await ctx.provider.loadImage(ctx.cluster, busybox.archive, ctx.providerContext);
      const installDoubles = await serveInstallDoubles(ctx, join(dir, 'install-doubles'), images.registry, skopeo);

      const keys = generateAdminKeyPair(join(dir, 'kbs'));
      const kbs: StartedKbsDouble = await new KbsDouble({
        adminPublicKey: loadAdminPublicKey(keys.publicKeyFile),
        host: nodeIp,
        kbs: ctx.profile.kbs,
      }).start();
      undo.push(() => kbs.stop());
      ctx.log(`control: KBS double at ${kbs.url}, registries ${images.registry} (open) and ${images.authRegistry} (htpasswd)`);

      return {
        doubles: [kbsDoubleDescription(ctx.profile.kbs), ...installDoubles.descriptions],
        installDoubles,
        cleanup,
        suiteEnv: {
          kbs: { url: kbs.url, adminKeyFile: keys.privateKeyFile, isDouble: true },
          images,
          ...(nodeIsThisMachine ? { nodeShell: 'local' as const } : { nodeShell: 'debug' as const, nodeShellImage: busybox.reference }),
        },
      };
    } catch (error) {
      await cleanup();
      throw error;
    }
  },
};

type SelfBuiltImages = Extract<ImageSource, { kind: 'self-built' }>;

/** The test images the suites use where upstream's cannot be pulled: a real open registry and a real htpasswd
 *  registry on `host`, trusted by the node's containerd, holding an image built here from busybox-static in each,
 *  all kept in `dir`. Everything it starts goes on `undo` (stop in reverse order). The developer path on a machine with no upstream
 *  registry names the result in COCO_IMAGES (lib/suite-environment.ts). */
export async function serveSelfBuiltImages(
  dir: string,
  host: string,
  /** the cluster's own containerd registry folder, when it is not this machine's (ProvisionedCluster.registryHostsDir) */
  registryHostsDir: string | undefined,
  undo: Array<() => Promise<void> | void>,
  log: (line: string) => void,
): Promise<{ images: SelfBuiltImages; busybox: BuiltImage; skopeo: string }> {
  mkdirSync(dir, { recursive: true });
  log('control: building test images from busybox-static');
  const [built, skopeo] = await Promise.all([buildTestImages(join(dir, 'images')), ensureSkopeo()]);
  const open = await startRegistry({ host, open: true, directory: join(dir, 'registry-open') }, undo);
  const auth = await startRegistry({ host, directory: join(dir, 'registry-auth') }, undo);
  const credentials = auth.credentials!;
  registerRegistryCredentials(credentials);
  for (const registry of [open, auth]) undo.push(trustLocalRegistry(registry.address, registryHostsDir));

  const tag = built.busybox.reference.split(':').pop() ?? 'latest';
  const plain = `${open.address}/coco-conformance/busybox:${tag}`;
  const authenticated = `${auth.address}/coco-conformance/busybox-auth:${tag}`;
  log(`control: pushing ${plain} and ${authenticated}`);
  await pushImage({ source: built.busybox.archive, destination: plain, skopeo });
  await pushImage({ source: built.busybox.archive, destination: authenticated, skopeo, login: { registry: auth.address, credentials } });
  const credentialsFile = join(dir, 'registry-credentials.json');
  writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
  return {
    images: { kind: 'self-built', registry: open.address, plain, skopeo, authRegistry: auth.address, authenticated, credentialsFile },
    busybox: built.busybox,
    skopeo,
  };
}

async function startRegistry(
  options: ConstructorParameters<typeof LocalRegistry>[0],
  undo: Array<() => Promise<void> | void>,
): Promise<StartedLocalRegistry> {
  const registry = await new LocalRegistry(options).start();
  undo.push(() => registry.stop());
  return registry;
}

/** What prepare() would start, for `run --dry-run`. The registries and the KBS double listen on free ports picked
 *  when they start, so the ports are placeholders; the registry password is generated then and never shown. */
function dryRunPlan(ctx: PlatformSetupContext, nodeIp: string): PreparedPlatform {
  const record = (entry: readonly string[] | string) => ctx.providerContext.record('platform-setup', entry);
  const dir = join(ctx.workDir, 'control');
  const open = `${nodeIp}:<open-registry-port>`;
  const auth = `${nodeIp}:<auth-registry-port>`;
  const kbsUrl = `http://${nodeIp}:<kbs-double-port>`;
  record(`# build the test image busybox from Debian's busybox-static into ${join(dir, 'images')}`);
  record(['docker-registry', 'serve', join(dir, 'registry-open', '<config.yml>')]);
  record(`# open registry listening on ${open}`);
  record(['docker-registry', 'serve', join(dir, 'registry-auth', '<config.yml>')]);
  record(`# htpasswd registry listening on ${auth}, user and password generated at start`);
  record(`# containerd trusts both plain-http registries: a hosts.toml each for ${open} and ${auth}`);
  record(['skopeo', 'copy', 'oci-archive:<busybox image>', `docker://${open}/coco-conformance/busybox:<tag>`]);
  record(['skopeo', 'copy', '--dest-authfile', '<auth file>', 'oci-archive:<busybox image>', `docker://${auth}/coco-conformance/busybox-auth:<tag>`]);
  record(`# ${kbsDoubleDescription(ctx.profile.kbs)}: listening on ${kbsUrl}${ctx.profile.kbs.apiPrefix}, admin key pair in ${join(dir, 'kbs')}`);
  const installDoubles = plannedInstallDoubles(ctx, join(dir, 'install-doubles'), open);
  const { name, handler } = controlRuntimeClass(ctx.profile);
  record(`# pods run with RuntimeClass ${name} (handler ${handler}, no TEE), created by the install step`);
  return {
    doubles: [kbsDoubleDescription(ctx.profile.kbs), ...installDoubles.descriptions],
    installDoubles,
    cleanup: async () => {},
    suiteEnv: { kbs: { url: kbsUrl, isDouble: true }, nodeShell: 'local' },
  };
}

/** The release's install, served from this machine: the install-double image (busybox-static + the bundle's
 *  kubectl) pushed to the open registry, and the chart double packaged with the release's chart version and pushed
 *  there as an OCI chart (helm ≥ v0.18), or the operator double's kustomize tree written for the release. */
async function serveInstallDoubles(ctx: PlatformSetupContext, dir: string, registry: string, skopeo: string): Promise<InstallDoubles> {
  ctx.log('control: building the install-double image (busybox-static + kubectl)');
  const image = await buildInstallDoubleImage(join(dir, 'image'), join(plannedBundle().binDir, 'kubectl'));
  const tag = image.reference.split(':').pop()!;
  const repository = `${registry}/coco-conformance/install-double`;
  await pushImage({ source: image.archive, destination: `${repository}:${tag}`, skopeo });
  const recipe = ctx.profile.install;
  const apiServer = ctx.cluster.apiServerForPods ?? apiServerOf(readFileSync(ctx.cluster.kubeconfigPath, 'utf8'));
  if (recipe.method === 'helm') {
    const helm = await ensureHelm();
    // A candidate's chart has no released version yet: its double goes out as 0.0.0, the only one there.
    const version = recipe.version ?? UNRELEASED_CHART_VERSION;
    const chart = await packageChartDouble(helm, dir, version, ctx.profile.components.kata.version);
    await runCommand([helm, 'push', chart, `oci://${registry}/${CHART_REPOSITORY}`, '--plain-http']);
    ctx.log(`control: chart double ${version} at oci://${registry}/${CHART_REPOSITORY}`);
    return chartDoubles(ctx.profile.components.kata.version, registry, repository, tag, apiServer);
  }
  const operator = writeOperatorDouble({
    dir, release: ctx.profile.release, recipe, overlayName: CONTROL_OPERATOR_OVERLAY, image: { repository, tag }, apiServer,
  });
  return { descriptions: [OPERATOR_DOUBLE_DESCRIPTION], kustomization: operator.kustomization };
}

const UNRELEASED_CHART_VERSION = '0.0.0';

/** Where the chart double is pushed: the real chart's path (oci://ghcr.io/confidential-containers/charts/…) on ours. */
const CHART_REPOSITORY = 'confidential-containers/charts';

function chartDoubles(kataVersion: string, registry: string, repository: string, tag: string, apiServer?: ApiServerAddress): InstallDoubles {
  return {
    descriptions: [chartDoubleDescription(kataVersion)],
    chart: {
      reference: `oci://${registry}/${CHART_REPOSITORY}/confidential-containers`,
      args: ['--plain-http'],
      values: { 'kata-as-coco-runtime': { image: { reference: repository, tag }, ...(apiServer ? { testDouble: { apiServer } } : {}) } },
    },
  };
}

/** The same doubles as a dry run names them (the registry port is picked at start). */
function plannedInstallDoubles(ctx: PlatformSetupContext, dir: string, registry: string): InstallDoubles {
  const record = (entry: readonly string[] | string) => ctx.providerContext.record('platform-setup', entry);
  const repository = `${registry}/coco-conformance/install-double`;
  record(`# build the install-double image from busybox-static and ${join(plannedBundle().binDir, 'kubectl')}`);
  record(['skopeo', 'copy', 'oci-archive:<install-double image>', `docker://${repository}:<kubectl version>`]);
  const recipe = ctx.profile.install;
  if (recipe.method === 'helm') {
    record([helmCommand(), 'package', join(dir, 'chart-double', 'confidential-containers'), '--destination', dir]);
    record([helmCommand(), 'push', join(dir, `confidential-containers-${recipe.version ?? UNRELEASED_CHART_VERSION}.tgz`), `oci://${registry}/${CHART_REPOSITORY}`, '--plain-http']);
    return chartDoubles(ctx.profile.components.kata.version, registry, repository, '<kubectl version>', { host: '<api server host>', port: '<api server port>' });
  }
  const root = join(dir, `operator-${ctx.profile.release}`);
  record(`# write the operator double for ${ctx.profile.release} (lib/install-doubles/operator) into ${root}`);
  return { descriptions: [OPERATOR_DOUBLE_DESCRIPTION], kustomization: (target) => join(root, relativeTarget(target)) };
}
