import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCachedGoTool, harnessCacheDir } from '../../../lib/exec/cached-go-tool.ts';
import { daemonPid, startDaemon, stopDaemon } from '../../../lib/exec/daemon.ts';
import { runCommand } from '../../../lib/exec/run-command.ts';
import { sourcePath } from '../../../matrix/source-root.ts';
import type { ProviderContext } from '../cluster-provider.ts';
import { NODE_LAYOUT } from '../kubeadm/node-layout.ts';
import { stepCommand } from '../shared/step-command.ts';

const NODE_BUILD_SCRIPT = sourcePath('scripts/setup/build-kind-node.sh');
const BOUNDED_RUNC = sourcePath('scripts/setup/bounded-runc');

/** Where the kind provider keeps its container engine and its network. The engine is Debian's dockerd, started by
 *  the harness (no systemd here) with folders, socket and pid file of its own, so a system docker is never used nor
 *  touched; its data root lives in the cache, so the imported node image outlives the run. */
export const KIND_LAYOUT = {
  runDir: `${NODE_LAYOUT.runDir}/kind`,
  socket: `${NODE_LAYOUT.runDir}/kind/docker.sock`,
  pidFile: `${NODE_LAYOUT.runDir}/kind/dockerd.pid`,
  execRoot: `${NODE_LAYOUT.runDir}/kind/engine`,
  /** What a run started (state.ts): a later run or `cleanup` finds a killed run's cluster by it. */
  stateFile: `${NODE_LAYOUT.runDir}/kind/state.json`,
  logFile: `${NODE_LAYOUT.logDir}/kind-engine.log`,
  /** hosts.toml per registry, mounted into the node as its containerd's registry config folder. */
  registryHostsDir: `${NODE_LAYOUT.configDir}/kind/certs.d`,
  /** The docker network the nodes sit on, in the benchmarking range (RFC 2544) like the kubeadm node's address and
   *  apart from it: no address of the cluster is on this machine's own network or a private range. */
  network: 'coco-kind',
  bridge: 'coco-kind0',
  subnet: '198.19.0.0/24',
  /** The host's address on that network: what the nodes and their pods reach this machine by. */
  gateway: '198.19.0.1',
  /** The label kind puts on every node container (pkg/cluster/internal/providers/docker/constants.go at v0.33.0). */
  clusterLabel: 'io.x-k8s.kind.cluster',
} as const;

/** What build-kind-node.sh made: the node root filesystem and the image name the engine knows it by. */
export interface KindNodeImage {
  image: string;
  archive: string;
  kind: string;
  kubernetes: string;
  imageRepository: string;
  etcdImageTag: string;
  podSubnet: string;
}

/** kind and the node image, built or taken from the cache (scripts/setup/build-kind.sh, build-kind-node.sh). */
export async function ensureKindBuild(log: (line: string) => void): Promise<{ kind: string; node: KindNodeImage }> {
  log('kind: building or reusing kind and its node image (cold: a few minutes)');
  const kind = await ensureCachedGoTool('kind');
  const result = await runCommand(['bash', NODE_BUILD_SCRIPT], { timeoutMs: 60 * 60_000 });
  for (const line of result.stderr.split('\n').filter((l) => l.startsWith('[kind-node'))) log(line);
  const dir = result.stdout.trim().split('\n').pop() ?? '';
  return { kind, node: JSON.parse(readFileSync(join(dir, 'kind-node.json'), 'utf8')) as KindNodeImage };
}

/** The environment every kind and docker command of the provider runs with: our engine, our network. */
export function engineEnv(): Record<string, string> {
  return { DOCKER_HOST: `unix://${KIND_LAYOUT.socket}`, KIND_EXPERIMENTAL_DOCKER_NETWORK: KIND_LAYOUT.network };
}

/** The engine's data root, in the cache: the node image and the network outlive a run there, and so does a node
 *  container the engine held when it stopped. */
export function engineDataRoot(): string {
  return join(harnessCacheDir(), 'kind', 'engine');
}

export function engineRunning(): boolean {
  return daemonPid(KIND_LAYOUT.pidFile) !== undefined;
}

/** Starts the engine unless it runs: no iptables rules, no masquerading and no default bridge (nothing on the host's
 *  firewall or on 172.17/16 changes), and the capability-bounding runc wrapper as its runtime (bounded-runc). */
export async function startEngine(ctx: ProviderContext): Promise<void> {
  const argv = ['dockerd', '--data-root', engineDataRoot(), '--exec-root', KIND_LAYOUT.execRoot, '--pidfile', `${KIND_LAYOUT.execRoot}/dockerd.pid`,
    '-H', `unix://${KIND_LAYOUT.socket}`, '--iptables=false', '--ip-masq=false', '--bridge=none',
    '--add-runtime', `bounded-runc=${BOUNDED_RUNC}`, '--default-runtime', 'bounded-runc'];
  ctx.record('container engine', argv);
  if (ctx.dryRun) return;
  if (!engineRunning()) {
    mkdirSync(KIND_LAYOUT.runDir, { recursive: true });
    // Debian puts dockerd in /usr/sbin, which a runner's PATH may lack.
    startDaemon({ name: 'dockerd', argv: argv.map((a, i) => (i === 0 ? '/usr/sbin/dockerd' : a)), logFile: KIND_LAYOUT.logFile, pidFile: KIND_LAYOUT.pidFile });
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = await runCommand(['docker', 'info', '--format', '{{.ServerVersion}}'], { env: engineEnv(), nothrow: true, timeoutMs: 10_000 });
    if (info.exitCode === 0) break;
    if (!engineRunning() || Date.now() > deadline) {
      throw new Error(`failed to start the kind container engine (dockerd): ${info.stderr.trim().split('\n').pop() ?? ''}; see ${KIND_LAYOUT.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The node network and the node image, created once and kept in the engine's data root. */
export async function prepareEngine(ctx: ProviderContext, node: KindNodeImage): Promise<void> {
  const docker = (step: string, ...args: string[]) => stepCommand(ctx, step, ['docker', ...args], { env: engineEnv(), nothrow: true });
  const network = await docker('node network', 'network', 'inspect', KIND_LAYOUT.network);
  if (ctx.dryRun || network.exitCode !== 0) {
    await stepCommand(ctx, 'node network', ['docker', 'network', 'create', '--subnet', KIND_LAYOUT.subnet, '--gateway', KIND_LAYOUT.gateway,
      '-o', `com.docker.network.bridge.name=${KIND_LAYOUT.bridge}`, KIND_LAYOUT.network], { env: engineEnv() });
  }
  // Node images of earlier builds (another key) go: one at a time in the engine's data root.
  const images = await docker('node image', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', node.image.replace(/:[^:]*$/, ''));
  const stale = images.stdout.split('\n').filter((ref) => ref && ref !== node.image);
  if (stale.length) await docker('node image', 'image', 'rm', ...stale);
  const image = await docker('node image', 'image', 'inspect', node.image);
  if (ctx.dryRun || image.exitCode !== 0) {
    ctx.log(`kind: importing the node image ${node.image}`);
    // kind's base image starts its entrypoint with systemd as the command (images/base/Dockerfile at v0.33.0).
    await stepCommand(ctx, 'node image', ['docker', 'import', '--change', 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
      '--change', 'ENV container=docker', node.archive, node.image], { env: engineEnv(), timeoutMs: 10 * 60_000 });
  }
}

/** Stops the engine (its containerd with it). The network stays defined in the engine's data root for the next run;
 *  its bridge, which a stopped engine leaves up, goes, with the engine's runtime folder. */
export async function stopEngine(ctx: ProviderContext): Promise<void> {
  if (ctx.dryRun) {
    ctx.record('container engine', ['kill', '-TERM', `$(cat ${KIND_LAYOUT.pidFile})`]);
    return;
  }
  await stopDaemon(KIND_LAYOUT.pidFile, 20_000);
  if (existsSync(`/sys/class/net/${KIND_LAYOUT.bridge}`)) {
    await stepCommand(ctx, 'node network', ['ip', 'link', 'delete', KIND_LAYOUT.bridge], { nothrow: true });
  }
  rmSync(KIND_LAYOUT.execRoot, { recursive: true, force: true });
}
