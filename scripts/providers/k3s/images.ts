import type { ProviderContext } from '../cluster-provider.ts';
import { stepCommand } from '../shared/step-command.ts';

/** k3s embeds containerd; its ctr talks to it, into the namespace the kubelet uses. */
export async function loadK3sImage(archivePath: string, ctx: ProviderContext): Promise<void> {
  await stepCommand(ctx, 'load-image', ['k3s', 'ctr', '-n', 'k8s.io', 'images', 'import', archivePath]);
}
