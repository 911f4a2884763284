import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { ClusterDistro } from '../../matrix/vocabulary.ts';
import type { ClusterProvider } from './cluster-provider.ts';
import { ExistingProvider } from './existing/provider.ts';
import { K3sProvider } from './k3s/provider.ts';
import { KindProvider } from './kind/provider.ts';
import { KubeadmProvider } from './kubeadm/kubeadm-provider.ts';

export type { ClusterProvider, ClusterInfo, ProvisionedCluster, ProviderContext } from './cluster-provider.ts';
export { commandOutputToFile, stepCommand, stepFile } from './shared/step-command.ts';
export { kubectlArgv } from './shared/step-command.ts';
export { KubeadmProvider } from './kubeadm/kubeadm-provider.ts';
export { cleanLocalCluster, describeLeftovers, LocalClusterInUseError } from './kubeadm/local-cluster-cleanup.ts';
export { cleanKindCluster } from './kind/kind-cleanup.ts';
export { renderRegistryHosts } from './kubeadm/containerd-config.ts';
export { readLocalClusterState, recordLocalClusterRegistry } from './kubeadm/local-cluster-state.ts';
export { NODE_LAYOUT } from './kubeadm/node-layout.ts';

/** The provider of a cluster distro. k3s reads K3S_INSTALL_SCRIPT / K3S_BINARY_DIR for air-gapped runners. */
export function providerFor(distro: ClusterDistro): ClusterProvider {
  switch (distro) {
    case 'kind':
      return new KindProvider();
    case 'k3s':
      return new K3sProvider({ installScript: process.env.K3S_INSTALL_SCRIPT, binaryDir: process.env.K3S_BINARY_DIR });
    case 'kubeadm':
      return new KubeadmProvider();
    case 'existing':
      return new ExistingProvider();
  }
}

/** Env var naming a module whose default export is a ClusterProvider used for every cell. ONLY the harness's own
 *  tests set it (a slow or failing fake provider for signal and infra-failure tests); a real run never does. */
const TEST_PROVIDER_MODULE_ENV = 'COCO_TEST_PROVIDER_MODULE';

export async function resolveProvider(distro: ClusterDistro): Promise<ClusterProvider> {
  const testModule = process.env[TEST_PROVIDER_MODULE_ENV];
  if (!testModule) return providerFor(distro);
  // The fake providers are TypeScript beside the tests, while the CLI runs compiled JavaScript: load them through tsx.
  if (testModule.endsWith('.ts')) (await import('tsx/esm/api')).register();
  const loaded = (await import(pathToFileURL(resolve(testModule)).href)) as { default: ClusterProvider };
  return loaded.default;
}
