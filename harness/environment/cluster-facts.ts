import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { EnvironmentFacts } from '../../reporters/index.ts';

export interface ClusterFactsInput {
  kubeconfig: string;
  context?: string;
  /** Namespaces whose pods' images are the release's installed components (operator, KBS). */
  componentNamespaces: string[];
}

/** Server version from the API, containerd from the node status, component images from the running pods. */
export async function captureClusterFacts(input: ClusterFactsInput): Promise<EnvironmentFacts> {
  const kc = new KubeConfig();
  kc.loadFromFile(input.kubeconfig);
  if (input.context) kc.setCurrentContext(input.context);
  const core = kc.makeApiClient(CoreV1Api);
  const version = await kc.makeApiClient(VersionApi).getCode();
  const nodes = await core.listNode();
  const runtime = nodes.items[0]?.status?.nodeInfo?.containerRuntimeVersion;
  const componentImages: Record<string, string> = {};
  for (const namespace of input.componentNamespaces) {
    const pods = await core.listNamespacedPod({ namespace });
    for (const pod of pods.items) {
      for (const container of pod.spec?.containers ?? []) componentImages[`${namespace}/${container.name}`] = container.image ?? '';
    }
  }
  return {
    kubernetesServer: version.gitVersion,
    // containerRuntimeVersion reads "containerd://1.7.x"; the record keeps the version, the scheme names the runtime.
    containerd: runtime?.startsWith('containerd://') ? runtime.slice('containerd://'.length) : runtime,
    containerRuntime: runtime,
    componentImages,
  };
}
