import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from '../shared/step-command.ts';

/** An existing cluster offers no image-loading API; this works when its node's containerd runs on this machine
 *  (a developer's single-node cluster), which is the only case the harness loads images into one. */
export async function loadExistingImage(archivePath: string, ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'load-image', ['ctr', '-n', 'k8s.io', 'images', 'import', archivePath]);
}
