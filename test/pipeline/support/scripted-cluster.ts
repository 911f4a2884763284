import { readFileSync } from 'node:fs';
import type { ClusterEventHandlers, ClusterEventSource, Clock, KubeObject, WatchedKind } from '../../../scripts/install/cluster-events.ts';

/** A script, written by hand, of what the API server shows during an install/uninstall: the objects present at the
 *  start, and per action the harness takes (apply the operator, delete the CcRuntime…) the watch events that follow,
 *  with their offset in seconds. Object shapes are the API's (Pod, RuntimeClass, Node as the API returns them); the
 *  timings are invented, not captured from a cluster. */
export interface ClusterScript {
  description: string;
  initial: Array<{ kind: WatchedKind; object: KubeObject }>;
  phases: Record<string, Array<{ at: number; type: 'ADDED' | 'MODIFIED' | 'DELETED'; kind: WatchedKind; object: KubeObject }>>;
}

interface Scheduled {
  atMs: number;
  seq: number;
  run: () => void;
  cancelled?: boolean;
}

/** Plays a script as a ClusterEventSource on a virtual clock: time only moves while someone watches, and it jumps
 *  straight to the next event or timer, so a 600 s limit is tested in milliseconds — and deterministically. */
export class ScriptedCluster implements ClusterEventSource, Clock {
  private nowMs = 0;
  private seq = 0;
  private queue: Scheduled[] = [];
  private readonly subscribers = new Set<ClusterEventHandlers>();
  private readonly state: Record<WatchedKind, Map<string, KubeObject>> = { Pod: new Map(), RuntimeClass: new Map(), Node: new Map() };
  private pumping = false;
  /** Every phase triggered, with the virtual time it started at. */
  readonly triggered: Array<{ phase: string; atMs: number }> = [];

  constructor(private readonly script: ClusterScript) {
    for (const { kind, object } of script.initial) this.state[kind].set(object.metadata.name, object);
  }

  static load(file: string): ScriptedCluster {
    return new ScriptedCluster(JSON.parse(readFileSync(file, 'utf8')) as ClusterScript);
  }

  now(): number {
    return this.nowMs;
  }

  timer(atMs: number, fn: () => void): () => void {
    const item = this.schedule(atMs, fn);
    return () => {
      item.cancelled = true;
    };
  }

  subscribe(_namespace: string, handlers: ClusterEventHandlers): () => void {
    this.subscribers.add(handlers);
    // A real source lists first: deliver the current state, then say it is complete.
    queueMicrotask(() => {
      if (!this.subscribers.has(handlers)) return;
      for (const kind of Object.keys(this.state) as WatchedKind[]) {
        handlers.event({ type: 'SYNC', kind, objects: [...this.state[kind].values()] });
      }
      handlers.synced();
      this.pump();
    });
    return () => {
      this.subscribers.delete(handlers);
    };
  }

  /** The harness did something the script has a phase for: its events start arriving from now. */
  trigger(phase: string): void {
    const events = this.script.phases[phase];
    if (!events) return;
    this.triggered.push({ phase, atMs: this.nowMs });
    for (const event of events) {
      this.schedule(this.nowMs + event.at * 1000, () => {
        const byName = this.state[event.kind];
        if (event.type === 'DELETED') byName.delete(event.object.metadata.name);
        else byName.set(event.object.metadata.name, event.object);
        for (const subscriber of [...this.subscribers]) subscriber.event({ type: event.type, kind: event.kind, object: event.object });
      });
    }
    this.pump();
  }

  /** Current objects of a kind, for assertions. */
  names(kind: WatchedKind): string[] {
    return [...this.state[kind].keys()].sort();
  }

  labels(node: string): Record<string, string> {
    return this.state.Node.get(node)?.metadata.labels ?? {};
  }

  private schedule(atMs: number, run: () => void): Scheduled {
    const item: Scheduled = { atMs: Math.max(atMs, this.nowMs), seq: this.seq++, run };
    this.queue.push(item);
    this.queue.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    this.pump();
    return item;
  }

  /** Runs the next due item once the current turn's promises settled; time stands still without watchers. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.queue = this.queue.filter((item) => !item.cancelled);
      if (!this.subscribers.size) return;
      const next = this.queue.shift();
      if (!next) return;
      this.nowMs = next.atMs;
      next.run();
      this.pump();
    });
  }
}
