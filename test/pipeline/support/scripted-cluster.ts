import { readFileSync } from 'node:fs';
import type {
  ClusterEvent, ClusterEventHandlers, ClusterEventSource, Clock, KubeObject, WatchedKind, WatchScope,
} from '../../../lib/cluster/wait/index.ts';

/** An object as the API returns it (Pod, RuntimeClass, Node, ServiceAccount, Event), loosely typed for scripts. */
export interface ScriptObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  status?: { phase?: string; containerStatuses?: Array<{ name: string; restartCount: number; [key: string]: unknown }>; [key: string]: unknown };
  /** Events: the object they are about. */
  involvedObject?: { kind?: string; name?: string };
  [key: string]: unknown;
}

export interface ScriptEvent {
  at: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: WatchedKind;
  object: ScriptObject;
}

/** What a container writes to its log, `at` seconds into a phase; `end` closes the stream (the container exited). */
export interface ScriptLogLine {
  at: number;
  text?: string;
  end?: true;
}

/** A script, written by hand, of what the API server shows: the objects present at the start, and per action the
 *  harness takes (apply the operator, delete the CcRuntime…) the watch events that follow, with their offset in
 *  seconds (and the followed log's lines, where a phase has some). Object shapes are the API's; the timings are
 *  invented, not captured from a cluster. */
export interface ClusterScript {
  description: string;
  initial: Array<{ kind: WatchedKind; object: ScriptObject }>;
  phases: Record<string, ScriptEvent[]>;
  logs?: Record<string, ScriptLogLine[]>;
}

interface Scheduled {
  atMs: number;
  seq: number;
  run: () => void;
  cancelled?: boolean;
}

interface Subscriber {
  scopes: readonly WatchScope[];
  handlers: ClusterEventHandlers;
}

/** Whether a scope sees an object: its kind, and the name (or for events the pod) it is narrowed to. Namespaces are
 *  not told apart: a script is about one namespace. */
function sees(scope: WatchScope, kind: WatchedKind, object: ScriptObject): boolean {
  if (scope.kind !== kind) return false;
  if (scope.name !== undefined && object.metadata.name !== scope.name) return false;
  return scope.involvedPod === undefined || object.involvedObject?.name === scope.involvedPod;
}

/** Plays a script as a ClusterEventSource on a virtual clock: time only moves while someone watches, and it jumps
 *  straight to the next event or timer, so a 600 s limit is tested in milliseconds — and deterministically. */
export class ScriptedCluster implements ClusterEventSource, Clock {
  private nowMs = 0;
  private seq = 0;
  private queue: Scheduled[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly state = new Map<WatchedKind, Map<string, ScriptObject>>();
  private log = '';
  private logEnded = false;
  private pumping = false;
  /** Every phase triggered, with the virtual time it started at. */
  readonly triggered: Array<{ phase: string; atMs: number }> = [];
  /** The scopes of every subscription, in order. */
  readonly subscriptions: Array<readonly WatchScope[]> = [];

  constructor(private readonly script: ClusterScript) {
    for (const { kind, object } of script.initial) this.of(kind).set(object.metadata.name, object);
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

  subscribe(scopes: readonly WatchScope[], handlers: ClusterEventHandlers): () => void {
    const subscriber = { scopes, handlers };
    this.subscribers.add(subscriber);
    this.subscriptions.push(scopes);
    // A real source lists first: deliver the current state of each scope, then say it is complete.
    queueMicrotask(() => {
      if (!this.subscribers.has(subscriber)) return;
      for (const scope of scopes) {
        if (scope.kind === 'Log') {
          if (this.log) handlers.event({ type: 'LOG', text: this.log });
          if (this.logEnded) handlers.event({ type: 'LOG-END' });
          continue;
        }
        const objects = [...this.of(scope.kind).values()].filter((object) => sees(scope, scope.kind as WatchedKind, object));
        handlers.event({ type: 'SYNC', kind: scope.kind, objects: objects as KubeObject[] });
      }
      handlers.synced();
      this.pump();
    });
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  /** The harness did something the script has a phase for: its events start arriving from now. */
  trigger(phase: string): void {
    const events = this.script.phases[phase];
    const lines = this.script.logs?.[phase];
    if (!events && !lines) return;
    this.triggered.push({ phase, atMs: this.nowMs });
    for (const event of events ?? []) this.schedule(this.nowMs + event.at * 1000, () => this.play(event));
    for (const line of lines ?? []) this.schedule(this.nowMs + line.at * 1000, () => this.write(line));
    this.pump();
  }

  /** Current objects of a kind, for assertions. */
  names(kind: WatchedKind): string[] {
    return [...this.of(kind).keys()].sort();
  }

  labels(node: string): Record<string, string> {
    return this.of('Node').get(node)?.metadata.labels ?? {};
  }

  private play(event: ScriptEvent): void {
    const byName = this.of(event.kind);
    if (event.type === 'DELETED') byName.delete(event.object.metadata.name);
    else byName.set(event.object.metadata.name, event.object);
    this.deliver({ type: event.type, kind: event.kind, object: event.object as KubeObject }, (scope) => sees(scope, event.kind, event.object));
  }

  private write(line: ScriptLogLine): void {
    const isLog = (scope: WatchScope): boolean => scope.kind === 'Log';
    if (line.text) {
      this.log += line.text;
      this.deliver({ type: 'LOG', text: line.text }, isLog);
    }
    if (line.end) {
      this.logEnded = true;
      this.deliver({ type: 'LOG-END' }, isLog);
    }
  }

  private deliver(event: ClusterEvent, seenBy: (scope: WatchScope) => boolean): void {
    for (const { scopes, handlers } of [...this.subscribers]) if (scopes.some(seenBy)) handlers.event(event);
  }

  private of(kind: WatchedKind): Map<string, ScriptObject> {
    let byName = this.state.get(kind);
    if (!byName) this.state.set(kind, (byName = new Map()));
    return byName;
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
