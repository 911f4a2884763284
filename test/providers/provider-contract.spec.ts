import { expect, test } from '@playwright/test';
import { hostname } from 'node:os';
import YAML from 'yaml';
import type { ClusterSpec } from '../../matrix/cell.ts';
import { providerFor, type ClusterProvider } from '../../harness/providers/index.ts';
import { plannedBundle } from '../../harness/providers/kubeadm/offline-bundle.ts';
import { bundleVersions } from '../support/bundle-versions.ts';
import { recordingContext } from './support/recording-context.ts';

const K = 'kubectl --kubeconfig /work/cell/kubeconfig';

/** Per provider: the spec it is created from and the exact sequence a dry run records, create → nodes → load
 *  image → collect logs → destroy. These are the commands a cluster admin would type. */
const CASES: Array<{ distro: 'kind' | 'k3s' | 'existing'; spec: ClusterSpec; expected: string[] }> = [
  {
    distro: 'kind',
    spec: { distro: 'kind', kubernetes: '1.30' },
    expected: [
      '# file: /work/cell/kind-config.yaml',
      'kind create cluster --name coco-test --config /work/cell/kind-config.yaml --kubeconfig /work/cell/kubeconfig --image kindest/node:v1.30.4 --wait=300s',
      '# wait (watch): every node Ready within 300s',
      `${K} --context kind-coco-test label node coco-test-control-plane node.kubernetes.io/worker= --overwrite`,
      `${K} --context kind-coco-test get nodes -o json`,
      'kind load image-archive /images/busybox.tar --name coco-test',
      'kind export logs /logs --name coco-test',
      'kind delete cluster --name coco-test',
    ],
  },
  {
    distro: 'k3s',
    spec: { distro: 'k3s', kubernetes: '1.30' },
    expected: [
      'curl -sfL -o /work/cell/k3s-install.sh https://get.k3s.io',
      'env INSTALL_K3S_VERSION=v1.30.5+k3s1 sh /work/cell/k3s-install.sh',
      'install -m 0600 /etc/rancher/k3s/k3s.yaml /work/cell/kubeconfig',
      '# wait (watch): every node Ready within 300s',
      '# file: /var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl',
      'systemctl restart k3s',
      '# wait (watch): every node Ready within 300s',
      `${K} label node ${hostname()} node.kubernetes.io/worker= --overwrite`,
      `${K} get nodes -o json`,
      'k3s ctr -n k8s.io images import /images/busybox.tar',
      'journalctl -u k3s --no-pager',
      'cat /var/lib/rancher/k3s/agent/containerd/containerd.log',
      `${K} cluster-info dump --output-directory /logs/cluster-info`,
      `sh -c '[ ! -x "$1" ] || "$1"' sh /usr/local/bin/k3s-uninstall.sh`,
    ],
  },
  {
    distro: 'existing',
    spec: { distro: 'existing', kubeconfig: '/home/dev/.kube/config', context: 'dev' },
    expected: [
      'kubectl --kubeconfig /home/dev/.kube/config --context dev get nodes -o json',
      'kubectl --kubeconfig /home/dev/.kube/config --context dev get nodes -o json',
      'ctr -n k8s.io images import /images/busybox.tar',
      'kubectl --kubeconfig /home/dev/.kube/config --context dev cluster-info dump --namespaces kube-system --output-directory /logs/cluster-info',
      'kubectl --kubeconfig /home/dev/.kube/config --context dev delete namespace -l app.kubernetes.io/managed-by=coco-conformance --ignore-not-found --wait --timeout=300s',
    ],
  },
];

for (const { distro, spec, expected } of CASES) {
  test.describe(`ClusterProvider contract: ${distro} (dry run)`, () => {
    let provider: ClusterProvider;
    let savedPath: string | undefined;
    test.beforeEach(() => {
      provider = providerFor(distro);
      // Nothing may run in a dry run: with no PATH, any command that did run would fail the test.
      savedPath = process.env.PATH;
      process.env.PATH = '/nonexistent';
    });
    test.afterEach(() => {
      process.env.PATH = savedPath;
    });

    test('records the exact command sequence and runs nothing', async () => {
      const { ctx, lines } = recordingContext();
      const cluster = await provider.create(spec, ctx);
      await provider.nodes(cluster, ctx);
      await provider.loadImage(cluster, '/images/busybox.tar', ctx);
      await provider.collectLogs(cluster, '/logs', ctx);
      await provider.destroy(cluster, ctx);
      expect(lines).toEqual(expected);
    });

    test('create gives a kubeconfig, owns only what it created, and destroy is safe to call twice', async () => {
      const { ctx } = recordingContext();
      const cluster = await provider.create(spec, ctx);
      expect(provider.distro).toBe(distro);
      expect(provider.kubeconfig(cluster)).toBe(distro === 'existing' ? '/home/dev/.kube/config' : '/work/cell/kubeconfig');
      expect(cluster.createdByHarness).toBe(distro !== 'existing');
      await provider.destroy(cluster, ctx);
      await provider.destroy(cluster, ctx);
      const nodes = await provider.nodes(cluster, ctx);
      expect(nodes).toHaveLength(1);
      expect((await provider.info(cluster, ctx)).distro).toBe(distro);
    });
  });
}

test('kind on its own engine (source: bundle), dry run: engine, network and node image first, every kind command on that engine, the engine stopped last', async () => {
  const { ctx, lines } = recordingContext();
  const provider = providerFor('kind');
  const savedPath = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const cluster = await provider.create({ distro: 'kind', kubernetes: '1.35', source: 'bundle' }, ctx);
    await provider.loadImage(cluster, '/images/busybox.tar', ctx);
    await provider.collectLogs(cluster, '/logs', ctx);
    await provider.destroy(cluster, ctx);
  } finally {
    process.env.PATH = savedPath;
  }
  const engine = 'env DOCKER_HOST=unix:///run/coco-conformance/kind/docker.sock KIND_EXPERIMENTAL_DOCKER_NETWORK=coco-kind';
  const image = `'coco-kind-node.local/node:${plannedBundle().kubernetes}-<key>'`;
  expect(lines.slice(0, 2)).toEqual(['bash scripts/setup/build-kind.sh', 'bash scripts/setup/build-kind-node.sh']);
  expect(lines[2]).toMatch(/^dockerd --data-root \S+\/kind\/engine --exec-root \/run\/coco-conformance\/kind\/engine .* -H unix:\/\/\/run\/coco-conformance\/kind\/docker\.sock --iptables=false --ip-masq=false --bridge=none --add-runtime bounded-runc=\S+\/scripts\/setup\/bounded-runc --default-runtime bounded-runc$/);
  expect(lines.slice(3)).toEqual([
    `${engine} docker network inspect coco-kind`,
    `${engine} docker network create --subnet 198.19.0.0/24 --gateway 198.19.0.1 -o com.docker.network.bridge.name=coco-kind0 coco-kind`,
    `${engine} docker image ls --format '{{.Repository}}:{{.Tag}}' coco-kind-node.local/node`,
    `${engine} docker image inspect ${image}`,
    `${engine} docker import --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' --change 'ENV container=docker' '<cache>/kind/node-<key>/node.tar' ${image}`,
    '# file: /work/cell/kind-config.yaml',
    `${engine} kind create cluster --name coco-test --config /work/cell/kind-config.yaml --kubeconfig /work/cell/kubeconfig --image ${image} --wait=300s`,
    '# wait (watch): every node Ready within 300s',
    `${K} --context kind-coco-test label node coco-test-control-plane node.kubernetes.io/worker= --overwrite`,
    `${K} --context kind-coco-test get nodes -o json`,
    `${engine} kind load image-archive /images/busybox.tar --name coco-test`,
    `${engine} kind export logs /logs --name coco-test`,
    `${engine} kind delete cluster --name coco-test`,
    "kill -TERM '$(cat /run/coco-conformance/kind/dockerd.pid)'",
  ]);
});

test('existing: destroy never deletes the cluster, only namespaces the harness labelled', async () => {
  const { ctx, lines } = recordingContext();
  const provider = providerFor('existing');
  const cluster = await provider.create({ distro: 'existing', kubeconfig: '/k' }, ctx);
  lines.length = 0;
  await provider.destroy(cluster, ctx);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('delete namespace -l app.kubernetes.io/managed-by=coco-conformance');
  expect(lines.join('\n')).not.toMatch(/kind delete|k3s-uninstall|kubeadm reset/);
});

test('kind and k3s refuse to destroy a cluster they did not create', async () => {
  for (const distro of ['kind', 'k3s'] as const) {
    const { ctx, lines } = recordingContext();
    await providerFor(distro).destroy({ name: 'theirs', kubeconfigPath: '/k', nodes: [], createdByHarness: false }, ctx);
    expect(lines, distro).toEqual([]);
  }
});

/** What the kubeadm config must say, per source: the bundle's own containerd and local image names, or the
 *  system containerd and upstream's images of a runner with kubeadm from packages. */
const KUBEADM_SOURCES = {
  packages: { criSocket: 'unix:///run/containerd/containerd.sock', imageRepository: undefined, kubernetesVersion: 'v1.30.0', skipPhases: [],
    kubeadmApi: 'kubeadm.k8s.io/v1beta3' },
  bundle: {
    criSocket: 'unix:///run/coco-conformance/containerd/containerd.sock', imageRepository: bundleVersions().IMAGE_REPOSITORY,
    kubernetesVersion: bundleVersions().KUBE_VERSION, skipPhases: ['addon/coredns', 'addon/kube-proxy'],
    // kubeadm's preferred config API: v1beta4 from v1.31 (apis/kubeadm/scheme/scheme.go:47 at v1.35.4), v1beta3 before
    kubeadmApi: Number(bundleVersions().KUBE_VERSION!.split('.')[1]) >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3',
  },
} as const;

for (const [source, want] of Object.entries(KUBEADM_SOURCES)) {
  test(`kubeadm (${source}) in dry run: kubeadm init reads the config it recorded, for this node, its address and CRI socket; destroy twice`, async () => {
    const { ctx, lines } = recordingContext();
    const files = new Map<string, string>();
    const keepLine = ctx.record;
    ctx.record = (step, entry) => {
      if (typeof entry === 'string' && entry.startsWith('# file: ')) {
        const [header, ...body] = entry.split('\n');
        files.set(header!.slice('# file: '.length), body.join('\n'));
      }
      keepLine(step, entry);
    };
    const provider = providerFor('kubeadm');
    const cluster = await provider.create({ distro: 'kubeadm', kubernetes: '1.30', source: source as 'packages' | 'bundle' }, ctx);
    expect(cluster.createdByHarness).toBe(true);

    const init = lines.find((line) => line.startsWith('kubeadm init'));
    const configPath = init?.match(/ --config (\S+)/)?.[1];
    expect(configPath, `kubeadm init reads a config from the cell's folder: ${init}`).toBe('/work/cell/kubeadm-config.yaml');
    const configText = files.get(configPath!);
    expect(configText, `the dry run recorded ${configPath}`).toBeDefined();
    const docs = YAML.parseAllDocuments(configText!).map((doc) => doc.toJS());
    const byKind = (kind: string) => docs.find((doc) => doc?.kind === kind);
    const initConfig = byKind('InitConfiguration');
    const clusterConfig = byKind('ClusterConfiguration');
    const kubeletConfig = byKind('KubeletConfiguration');

    // The node's address is the one the dry run puts on the harness's own interface.
    const address = lines.map((line) => line.match(/^ip addr add ([0-9.]+)\/32 dev /)?.[1]).find(Boolean);
    expect(address, lines.join('\n')).toBe('198.18.0.1');
    expect(initConfig.localAPIEndpoint.advertiseAddress).toBe(address);
    // v1beta3 (packages, kubeadm v1.30) keys flags in a map, v1beta4 (v1.31 and later) lists {name, value}.
    const flag = (args: any, name: string) => (Array.isArray(args) ? args.find((a) => a.name === name)?.value : args[name]);
    expect(initConfig.apiVersion).toBe(want.kubeadmApi);
    expect(flag(initConfig.nodeRegistration.kubeletExtraArgs, 'node-ip')).toBe(address);
    expect(flag(clusterConfig.apiServer.extraArgs, 'bind-address')).toBe(address);
    expect(initConfig.nodeRegistration.name).toBe(hostname().toLowerCase());
    expect(initConfig.nodeRegistration.criSocket).toBe(want.criSocket);
    expect(kubeletConfig.containerRuntimeEndpoint).toBe(want.criSocket);
    expect(initConfig.skipPhases).toEqual(want.skipPhases);
    expect(clusterConfig.imageRepository).toBe(want.imageRepository);
    expect(clusterConfig.kubernetesVersion).toBe(want.kubernetesVersion);
    if (source === 'bundle') {
      // Nothing may be pulled: kubeadm takes only the images the bundle imported.
      expect(initConfig.nodeRegistration.imagePullPolicy).toBe('Never');
      expect(clusterConfig.etcd.local.imageRepository).toBe(want.imageRepository);
    }
    // The label step names the same node the config registers.
    expect(lines).toContain(`kubectl --kubeconfig /work/cell/kubeconfig label node ${hostname().toLowerCase()} node.kubernetes.io/worker= --overwrite`);

    const createdLines = lines.length;
    await provider.destroy(cluster, ctx);
    const teardown = lines.slice(createdLines);
    await provider.destroy(cluster, ctx);
    expect(lines.filter((line) => line.startsWith('kubeadm reset'))).toHaveLength(2);
    // The teardown is the one of the node's source: a runner's packaged kubeadm is reset on its own CRI socket, and
    // the offline bundle's kubelet, containerd and bridge are not there to stop.
    const bundleTeardown = /kubelet\.pid|containerd\.pid|ip link delete coco0$|coco-conformance\/containerd\.sock/m;
    if (source === 'packages') {
      expect(teardown.join('\n')).not.toMatch(bundleTeardown);
      expect(teardown).toContain('kubeadm reset --force --cri-socket unix:///run/containerd/containerd.sock');
      // The pod network is a pinned flannel release, never releases/latest.
      const network = lines.find((line) => line.includes('kube-flannel.yml'));
      expect(network).toMatch(/flannel-io\/flannel\/releases\/download\/v\d+\.\d+\.\d+\/kube-flannel\.yml$/);
    } else {
      expect(teardown.join('\n')).toMatch(bundleTeardown);
      expect(lines.join('\n')).not.toContain('kube-flannel');
    }
  });
}
