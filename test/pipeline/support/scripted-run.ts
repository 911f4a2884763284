import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateAdminKeyPair } from '../../../lib/kbs/admin-key-pair.ts';
import { LocalRegistry } from '../../../lib/registry/local-registry.ts';
import { runCommand } from '../../../harness/cli/commands/run.ts';
import { registerSecret } from '../../../lib/exec/redact.ts';
import { defaultPipelineDeps, type PipelineDeps } from '../../../harness/pipeline/run-cell.ts';
import { runSuites } from '../../../harness/pipeline/suite-run.ts';
import type { ClusterProvider } from '../../../harness/providers/index.ts';

/** TEST DOUBLE of bin/coco-conformance.mjs for `run`, started by the pipeline's self-tests as
 *  `node --import tsx scripted-run.ts <run flags>`: the real run command — arguments, state folder, signals,
 *  pipeline, the suites as a child Playwright with the real reporters, summary, report — with doubles where this
 *  machine has no cluster: the provider, the release install, the KBS deploy and environment capture, and the
 *  double suite (support/double-suite/) instead of suites/. Each double writes into the cell's working folder what
 *  its real counterpart writes there — a kubeconfig with a client key (kubeadm), the KBS admin key pair and key.bin
 *  (harness/kbs/kbs-deploy.ts), an htpasswd registry and its credentials file (the control platform setup) — and
 *  appends what it did to $COCO_TEST_MARKER_DIR/events.log, and the secret values to secrets.txt beside it, so a
 *  test can look for them under --out afterwards. */
const markers = process.env.COCO_TEST_MARKER_DIR;
if (!markers) throw new Error('scripted-run needs COCO_TEST_MARKER_DIR');
const DOUBLE_SUITE_CONFIG = resolve(import.meta.dirname, 'double-suite/playwright.config.ts');

function mark(event: string): void {
  appendFileSync(join(markers!, 'events.log'), `${event}\n`);
}

function secret(label: string, value: string): string {
  registerSecret(value, label);
  appendFileSync(join(markers!, 'secrets.txt'), `${label} ${Buffer.from(value).toString('base64')}\n`);
  return value;
}

const provider: ClusterProvider = {
  distro: 'kind',
  async create(_spec, ctx) {
    mark(`create ${ctx.clusterName}`);
    mark(`state-folder ${ctx.workDir} ${(statSync(ctx.workDir).mode & 0o777).toString(8)}`);
    const kubeconfigPath = join(ctx.workDir, 'kubeconfig');
    const clientKey = secret('kubeconfig client key', randomBytes(48).toString('base64'));
    writeFileSync(kubeconfigPath, `apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: ${clientKey}\n`, { mode: 0o600 });
    return { name: ctx.clusterName ?? 'double', kubeconfigPath, nodes: [], createdByHarness: true };
  },
  async destroy(cluster) {
    mark(`destroy ${cluster.name}`);
  },
  kubeconfig: (cluster) => cluster.kubeconfigPath,
  async nodes() {
    return [{ name: 'double-node', internalIp: '127.0.0.1', labels: { 'node.kubernetes.io/worker': '' } }];
  },
  async loadImage() {},
  async collectLogs(_cluster, dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'node.log'), 'double node log\n');
    mark('collect');
  },
  async info() {
    return { distro: 'kind', kubernetesVersion: 'v1.30.0' };
  },
};

const deps: PipelineDeps = {
  ...defaultPipelineDeps,
  resolveProvider: async () => provider,
  installRelease: async (_ctx, profile, target) => {
    mark(`install ${target.platform}`);
    return { release: profile.release, platform: target.platform, method: 'control', runtimeClasses: ['control'], componentImages: {} };
  },
  uninstallRelease: async () => {},
  deployKbs: async (ctx) => {
    const keys = generateAdminKeyPair(join(ctx.workDir, 'kbs-admin'));
    secret('kbs admin key', readFileSync(keys.privateKeyFile, 'utf8').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
    const keyBin = join(ctx.workDir, 'trustee', 'overlays', 'x86_64', 'key.bin');
    mkdirSync(join(keyBin, '..'), { recursive: true });
    writeFileSync(keyBin, `${secret('kbs key.bin', randomBytes(32).toString('base64'))}\n`, { mode: 0o600 });
    mark('kbs');
    return { endpoint: { url: 'http://127.0.0.1:9', adminKeyFile: keys.privateKeyFile, isDouble: true }, deployedByHarness: true };
  },
  removeKbs: async () => {},
  captureEnvironment: async () => ({ kernel: 'double', kubernetesDistro: 'kind v1.30.0' }),
  platformSetupFor: () => ({
    async prepare(ctx) {
      const registry = await new LocalRegistry({ directory: join(ctx.workDir, 'control', 'registry-auth') }).start();
      const credentials = registry.credentials!;
      secret('registry password', credentials.password);
      const credentialsFile = join(ctx.workDir, 'control', 'registry-credentials.json');
      writeFileSync(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
      mark('platform-setup');
      if (process.env.COCO_TEST_FAIL_SETUP) {
        await registry.stop();
        throw new Error('failed to prepare the double platform: asked to by COCO_TEST_FAIL_SETUP');
      }
      return {
        doubles: ['cluster, install, KBS and suites: doubles of the pipeline self-test'],
        suiteEnv: { nodeShell: 'none' },
        cleanup: async () => {
          await registry.stop();
          mark('platform-cleanup');
        },
      };
    },
  }),
  runSuites: (input) => runSuites({ ...input, configFile: DOUBLE_SUITE_CONFIG }),
};

process.exitCode = await runCommand(process.argv.slice(2), deps);
