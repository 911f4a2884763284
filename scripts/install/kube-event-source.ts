import { CoreV1Api, KubeConfig, NodeV1Api, Watch } from '@kubernetes/client-node';
import type { ClusterEventHandlers, ClusterEventSource, KubeObject, WatchedKind } from './cluster-events.ts';

interface Listed { items: KubeObject[]; metadata?: { resourceVersion?: string } }

/** List, then watch from the list's resourceVersion; when a watch ends (server timeout, 410 Gone) the kind is
 *  listed again and delivered as SYNC, so nothing deleted in the gap survives in the snapshot. */
export function kubeEventSource(kubeconfigPath: string, context?: string): ClusterEventSource {
  return {
    subscribe(namespace: string, handlers: ClusterEventHandlers) {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfigPath);
      if (context) kc.setCurrentContext(context);
      const core = kc.makeApiClient(CoreV1Api);
      const node = kc.makeApiClient(NodeV1Api);
      const watch = new Watch(kc);
      let stopped = false;
      const aborts: AbortController[] = [];
      const kinds: Array<{ kind: WatchedKind; path: string; list: () => Promise<Listed> }> = [
        { kind: 'Pod', path: `/api/v1/namespaces/${namespace}/pods`, list: () => core.listNamespacedPod({ namespace }) as Promise<Listed> },
        { kind: 'RuntimeClass', path: '/apis/node.k8s.io/v1/runtimeclasses', list: () => node.listRuntimeClass() as Promise<Listed> },
        { kind: 'Node', path: '/api/v1/nodes', list: () => core.listNode() as Promise<Listed> },
      ];
      let listedOnce = 0;

      const follow = async (entry: (typeof kinds)[number], first: boolean): Promise<void> => {
        if (stopped) return;
        const listed = await entry.list();
        if (stopped) return;
        handlers.event({ type: 'SYNC', kind: entry.kind, objects: listed.items });
        if (first && ++listedOnce === kinds.length) handlers.synced();
        const abort = await watch.watch(
          entry.path,
          { resourceVersion: listed.metadata?.resourceVersion, allowWatchBookmarks: true },
          (phase, object: KubeObject) => {
            if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') handlers.event({ type: phase, kind: entry.kind, object });
          },
          (error: unknown) => {
            if (stopped) return;
            // A watch that ends is normal (the server closes it); a failing relist is not.
            follow(entry, false).catch((e: unknown) => handlers.error(new Error(`failed to watch ${entry.kind}: ${(e as Error).message}`, { cause: error ?? e })));
          },
        );
        if (stopped) abort.abort();
        else aborts.push(abort);
      };
      for (const entry of kinds) {
        follow(entry, true).catch((e: unknown) => handlers.error(new Error(`failed to list ${entry.kind}: ${(e as Error).message}`, { cause: e })));
      }
      return () => {
        stopped = true;
        for (const abort of aborts) abort.abort();
      };
    },
  };
}
