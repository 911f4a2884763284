/** The three kinds of object the install and uninstall checks look at. */
export type WatchedKind = 'Pod' | 'RuntimeClass' | 'Node';

/** The slice of a Kubernetes object the checks read (upstream's shapes; extra fields are ignored). */
export interface KubeObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  spec?: { containers?: Array<{ name: string; image: string }>; [key: string]: unknown };
  status?: {
    phase?: string;
    containerStatuses?: Array<{ name: string; restartCount: number; ready?: boolean; image?: string }>;
    [key: string]: unknown;
  };
  handler?: string; // RuntimeClass
}

/** A watch event, or SYNC: the full current list of one kind (after a list, or a relist when a watch expired). */
export type ClusterEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; kind: WatchedKind; object: KubeObject }
  | { type: 'SYNC'; kind: WatchedKind; objects: KubeObject[] };

export interface ClusterEventHandlers {
  event(event: ClusterEvent): void;
  /** Every kind has been listed once: from now on the snapshot is the cluster's state, not a partial view. */
  synced(): void;
  error(error: Error): void;
}

/** Where events come from: the API server's list+watch, or a recording in tests. */
export interface ClusterEventSource {
  /** Starts listing and watching pods of `namespace`, runtime classes and nodes; returns a function that stops. */
  subscribe(namespace: string, handlers: ClusterEventHandlers): () => void;
}

/** Time, injectable so the recorded-response tests run a 600 s timeout in milliseconds. */
export interface Clock {
  now(): number;
  /** Calls fn at the absolute time atMs; returns a cancel function. */
  timer(atMs: number, fn: () => void): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  timer(atMs, fn) {
    const handle = setTimeout(fn, Math.max(0, atMs - Date.now()));
    return () => clearTimeout(handle);
  },
};
