import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTestImages, ensureSkopeo, pushImage } from '../../fixtures/images/index.ts';
import { generateAdminKeyPair, KbsDouble, loadAdminPublicKey, type StartedKbsDouble } from '../../fixtures/kbs/index.ts';
import { LocalRegistry, registerRegistryCredentials, type StartedLocalRegistry } from '../../fixtures/registry/index.ts';
import type { PlatformSetup, PlatformSetupContext, PreparedPlatform } from '../pipeline/platform-setup.ts';
import { trustLocalRegistry } from './registry-hosts.ts';

export const KBS_DOUBLE_DESCRIPTION =
  'KBS: test double of trustee v0.9.0 admin API (fixtures/kbs/kbs-double.ts) — verifies the EdDSA admin JWT as trustee does; releases nothing to a guest';

/** The control platform on a cluster that runs on this machine: runc, no confidentiality. Trustee and upstream
 *  test images cannot be pulled here, so it brings a real open registry and a real authenticated (htpasswd)
 *  registry with images built here from Debian's busybox-static, and the KBS test double, all listening on the
 *  node's address so pods and containerd reach them without leaving this machine. */
export const controlPlatformSetup: PlatformSetup = {
  providesKbs: true,
  async prepare(ctx: PlatformSetupContext): Promise<PreparedPlatform> {
    const nodeIp = ctx.cluster.nodes[0]?.internalIp;
    if (ctx.dryRun) return dryRunPlan(ctx, nodeIp ?? '<node-internal-ip>');
    if (!nodeIp) throw new Error('failed to prepare the control platform: the cluster reports no node InternalIP');
    const undo: Array<() => Promise<void> | void> = [];
    const cleanup = async () => {
      for (const step of undo.reverse()) await step();
    };
    try {
      const dir = join(ctx.workDir, 'control');
      mkdirSync(dir, { recursive: true });
      ctx.log('control: building test images from busybox-static');
      const [images, skopeo] = await Promise.all([buildTestImages(join(dir, 'images')), ensureSkopeo()]);

      const open = await startRegistry({ host: nodeIp, open: true, directory: join(dir, 'registry-open') }, undo);
      const auth = await startRegistry({ host: nodeIp, directory: join(dir, 'registry-auth') }, undo);
      const credentials = auth.credentials!;
      registerRegistryCredentials(credentials);
      for (const registry of [open, auth]) undo.push(trustLocalRegistry(registry.address));

      const tag = images.busybox.reference.split(':').pop() ?? 'latest';
      const plain = `${open.address}/coco-conformance/busybox:${tag}`;
      const authenticated = `${auth.address}/coco-conformance/busybox-auth:${tag}`;
      ctx.log(`control: pushing ${plain} and ${authenticated}`);
      await pushImage({ source: images.busybox.archive, destination: plain, skopeo });
      await pushImage({ source: images.busybox.archive, destination: authenticated, skopeo, login: { registry: auth.address, credentials } });
      const credentialsFile = join(dir, 'registry-credentials.json');
      writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });

      const keys = generateAdminKeyPair(join(dir, 'kbs'));
      const kbs: StartedKbsDouble = await new KbsDouble({
        adminPublicKey: loadAdminPublicKey(keys.publicKeyFile),
        host: nodeIp,
        apiPrefix: ctx.profile.kbs.apiPrefix,
      }).start();
      undo.push(() => kbs.stop());
      ctx.log(`control: KBS double at ${kbs.url}, registries ${open.address} (open) and ${auth.address} (htpasswd)`);

      return {
        doubles: [KBS_DOUBLE_DESCRIPTION],
        cleanup,
        suiteEnv: {
          kbs: { url: kbs.url, adminKeyFile: keys.privateKeyFile, isDouble: true },
          images: { kind: 'self-built', registry: open.address, plain, skopeo, authRegistry: auth.address, authenticated, credentialsFile },
          nodeShell: 'local',
        },
      };
    } catch (error) {
      await cleanup();
      throw error;
    }
  },
};

async function startRegistry(
  options: ConstructorParameters<typeof LocalRegistry>[0],
  undo: Array<() => Promise<void> | void>,
): Promise<StartedLocalRegistry> {
  const registry = await new LocalRegistry(options).start();
  undo.push(() => registry.stop());
  return registry;
}

function dryRunPlan(ctx: PlatformSetupContext, nodeIp: string): PreparedPlatform {
  const record = ctx.providerContext.record;
  record('control platform', ['docker-registry', 'serve', '<open registry config>', `# listening on ${nodeIp}:<port>`]);
  record('control platform', ['docker-registry', 'serve', '<htpasswd registry config>', `# listening on ${nodeIp}:<port>`]);
  record('control platform', ['skopeo', 'copy', 'oci-archive:<busybox-static image>', `docker://${nodeIp}:<open port>/coco-conformance/busybox`]);
  record('control platform', ['skopeo', 'copy', '--dest-creds', '<redacted>', 'oci-archive:<busybox-static image>', `docker://${nodeIp}:<auth port>/coco-conformance/busybox-auth`]);
  record('control platform', `# KBS test double listening on http://${nodeIp}:<port>${ctx.profile.kbs.apiPrefix}`);
  return {
    doubles: [KBS_DOUBLE_DESCRIPTION],
    cleanup: async () => {},
    suiteEnv: { kbs: { url: `http://${nodeIp}:8080`, isDouble: true }, nodeShell: 'local' },
  };
}
