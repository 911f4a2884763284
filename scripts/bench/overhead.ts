/**
 * Benchmark: the same pod steps done by the harness and by a plain kubectl script as upstream's bats tests
 * do them — apply, `kubectl wait --for=condition=Ready`, `kubectl logs`, `kubectl delete` — side by side in one run.
 * Prints both times and the ratio; asserts nothing (targets are read, not enforced).
 *
 *   npm run bench:overhead -- [--pods 20] [--kubeconfig FILE --image REF]
 *
 * Without --kubeconfig it brings up the cluster of the embedded default matrix (matrix/local.yaml: the local kubeadm
 * cluster from the offline bundle, control on the newest release), imports the busybox test image, and tears the
 * cluster down at the end. The pods run with the control platform's runtime class of that release's profile.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterClient } from '../../lib/cluster/index.ts';
import { DEFAULT_MATRIX_FILE, loadRelease, planCells } from '../../matrix/index.ts';
import { buildTestImages } from '../../lib/images/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { KubeadmProvider, type ProviderContext, type ProvisionedCluster } from '../../harness/providers/index.ts';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '20' }, kubeconfig: { type: 'string' }, image: { type: 'string' } } });
const pods = Number(values.pods);
const work = mkdtempSync(join(tmpdir(), 'coco-bench-'));
const namespace = `coco-bench-${process.pid}`;
const say = (line: string) => console.log(`[bench] ${line}`);
/** The default cell (matrix/local.yaml) gives the cluster and, through its release, the runtime class. */
const defaultCell = planCells(DEFAULT_MATRIX_FILE).cells[0]!.cell;
const controlHandler = loadRelease(defaultCell.release).platforms.control?.handler ?? 'runc';

function podManifest(name: string, image: string) {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace },
    spec: {
      runtimeClassName: 'control', terminationGracePeriodSeconds: 2,
      containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', '-c', "trap 'exit 0' TERM; echo ready; while true; do sleep 1; done"] }],
    },
  };
}

/** The harness's way: one API connection, watches for readiness and deletion. */
async function harnessRound(client: ClusterClient, image: string, round: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < pods; i++) {
    const name = `h${round}-${i}`;
    await client.core.createNamespacedPod({ namespace, body: podManifest(name, image) as never });
    await client.waitFor.podReady(namespace, name);
    const log = await client.podLog(namespace, name);
    if (!log.includes('ready')) throw new Error(`pod ${name}: log lacks "ready": ${log}`);
    await client.core.deleteNamespacedPod({ namespace, name });
    await client.waitFor.podGone(namespace, name);
  }
  return performance.now() - started;
}

/** Upstream's way: a process per step, as the bats tests run kubectl. */
async function kubectlRound(kubeconfig: string, image: string, round: number): Promise<number> {
  const files: string[] = [];
  for (let i = 0; i < pods; i++) {
    const file = join(work, `k${round}-${i}.json`);
    writeFileSync(file, JSON.stringify(podManifest(`k${round}-${i}`, image)));
    files.push(file);
  }
  const script = [
    'set -e',
    'for i in $(seq 0 $(( PODS - 1 ))); do',
    '  kubectl apply -f "$DIR/k${ROUND}-$i.json" >/dev/null',
    '  kubectl wait --for=condition=Ready "pod/k${ROUND}-$i" -n "$NS" --timeout=120s >/dev/null',
    '  kubectl logs "k${ROUND}-$i" -n "$NS" | grep -q ready',
    '  kubectl delete pod "k${ROUND}-$i" -n "$NS" >/dev/null',
    'done',
  ].join('\n');
  const started = performance.now();
  await runCommand(['bash', '-c', script], {
    env: { KUBECONFIG: kubeconfig, PODS: String(pods), DIR: work, ROUND: String(round), NS: namespace },
    timeoutMs: pods * 300_000,
  });
  return performance.now() - started;
}

async function main(): Promise<void> {
  if (!values.kubeconfig && defaultCell.cluster.distro !== 'kubeadm') {
    throw new Error(`failed to start the benchmark: the default cell ${defaultCell.id} is not a kubeadm cluster; give --kubeconfig`);
  }
  const provider = new KubeadmProvider();
  const ctx: ProviderContext = { workDir: join(work, 'cluster'), dryRun: false, record: () => {}, log: say };
  let cluster: ProvisionedCluster | undefined;
  let kubeconfig = values.kubeconfig;
  let image = values.image;
  try {
    if (!kubeconfig) {
      say(`bringing up the default cell's cluster (${defaultCell.id}, matrix/local.yaml)`);
      cluster = await provider.create(defaultCell.cluster, ctx);
      kubeconfig = cluster.kubeconfigPath;
      const images = await buildTestImages(join(work, 'images'));
      await provider.loadImage(cluster, images.busybox.archive, ctx);
      image = images.busybox.reference;
    }
    if (!image) throw new Error('--image is required with --kubeconfig (an image the node has, with /bin/sh)');
    const kubectl = (...args: string[]) => runCommand(['kubectl', '--kubeconfig', kubeconfig!, ...args]);
    writeFileSync(join(work, 'runtimeclass.json'), JSON.stringify({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'control' }, handler: controlHandler }));
    await kubectl('apply', '-f', join(work, 'runtimeclass.json'));
    const client = ClusterClient.connect({ kubeconfig }, { podReadySeconds: 120, podFailedSeconds: 120, runtimeClassSeconds: 60, logSeconds: 60 });
    await client.createNamespace(namespace, { 'app.kubernetes.io/managed-by': 'coco-conformance' });
    say(`warm-up pod, then ${pods} pods per side, order harness, kubectl, kubectl, harness`);
    await harnessRound(client, image, 0).catch(() => undefined); // first pull/unpack is paid by nobody
    const harness = [await harnessRound(client, image, 1)];
    const script = [await kubectlRound(kubeconfig, image, 2), await kubectlRound(kubeconfig, image, 3)];
    harness.push(await harnessRound(client, image, 4));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const perPod = (ms: number) => (ms / (2 * pods) / 1000).toFixed(2);
    console.log('');
    console.log(`pods per side          ${2 * pods}`);
    console.log(`harness (one client)   ${(sum(harness) / 1000).toFixed(1)} s   ${perPod(sum(harness))} s/pod`);
    console.log(`kubectl script         ${(sum(script) / 1000).toFixed(1)} s   ${perPod(sum(script))} s/pod`);
    console.log(`ratio harness/kubectl  ${(sum(harness) / sum(script)).toFixed(2)}  (target ≤ 1.00)`);
    await client.deleteNamespace(namespace);
  } finally {
    if (cluster) await provider.destroy(cluster, ctx);
  }
}

await main();
