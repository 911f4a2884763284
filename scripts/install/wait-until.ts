import type { ClusterEventSource, Clock } from './cluster-events.ts';
import { ClusterSnapshot } from './cluster-snapshot.ts';

/** What a check says about the cluster right now: done, failed for good, or pending until a time at which it must
 *  be looked at again even if no event arrives (its deadline, or the end of a stabilisation window). */
export type Verdict<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: Error }
  | { kind: 'pending'; wakeAtMs: number };

export type Check<T> = (snapshot: ClusterSnapshot, nowMs: number) => Verdict<T>;

/** Drives a check from watch events and its own wake-up times: no polling, no fixed sleeps. The check is first
 *  evaluated once every kind has been listed, so "pod gone" never passes on a snapshot that is still empty. */
export function waitUntil<T>(
  source: ClusterEventSource,
  clock: Clock,
  namespace: string,
  check: Check<T>,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const snapshot = new ClusterSnapshot();
    let synced = false;
    let settled = false;
    let cancelTimer: (() => void) | undefined;
    let unsubscribe: (() => void) | undefined;

    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      cancelTimer?.();
      unsubscribe?.();
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const evaluate = (): void => {
      if (!synced || settled) return;
      const verdict = check(snapshot, clock.now());
      if (verdict.kind === 'done') finish(() => resolve(verdict.value));
      else if (verdict.kind === 'failed') finish(() => reject(verdict.error));
      else {
        cancelTimer?.();
        cancelTimer = clock.timer(verdict.wakeAtMs, evaluate);
      }
    };
    const onAbort = (): void => finish(() => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted')));

    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    unsubscribe = source.subscribe(namespace, {
      event(event) {
        snapshot.apply(event);
        evaluate();
      },
      synced() {
        synced = true;
        evaluate();
      },
      error(error) {
        finish(() => reject(error));
      },
    });
    if (settled) unsubscribe();
  });
}
