import type { ClusterEvent, KubeObject, WatchedKind } from './cluster-events.ts';

/** The current state of the watched objects, built from events. */
export class ClusterSnapshot {
  private readonly objects: Record<WatchedKind, Map<string, KubeObject>> = {
    Pod: new Map(),
    RuntimeClass: new Map(),
    Node: new Map(),
  };

  apply(event: ClusterEvent): void {
    const byName = this.objects[event.kind];
    if (event.type === 'SYNC') {
      byName.clear();
      for (const object of event.objects) byName.set(object.metadata.name, object);
    } else if (event.type === 'DELETED') {
      byName.delete(event.object.metadata.name);
    } else {
      byName.set(event.object.metadata.name, event.object);
    }
  }

  pods(): KubeObject[] {
    return [...this.objects.Pod.values()];
  }

  /** Pods whose name starts with prefix (operator pods carry a generated suffix). */
  podsWithPrefix(prefix: string): KubeObject[] {
    return this.pods().filter((pod) => pod.metadata.name.startsWith(prefix));
  }

  runtimeClassNames(): string[] {
    return [...this.objects.RuntimeClass.keys()].sort();
  }

  nodes(): KubeObject[] {
    return [...this.objects.Node.values()];
  }
}

export function isRunning(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running';
}
