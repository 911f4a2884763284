import type { ProvisionedCluster, ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from '../shared/step-command.ts';

/** kind imports the archive into every node's containerd k8s.io namespace. */
export async function loadKindImage(cluster: ProvisionedCluster, archivePath: string, ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'load-image', ['kind', 'load', 'image-archive', archivePath, '--name', cluster.name]);
}
