import type { ClusterSnapshot } from './cluster-snapshot.ts';
import type { Check } from './wait-until.ts';

/** A check that is done once `remaining` finds nothing, and fails naming what remains when the limit runs out. */
export function goneCheck(
  what: string,
  timeoutSeconds: number,
  startMs: number,
  remaining: (snapshot: ClusterSnapshot) => string[],
): Check<void> {
  const deadline = startMs + timeoutSeconds * 1000;
  return (snapshot, nowMs) => {
    const left = remaining(snapshot);
    if (!left.length) return { kind: 'done', value: undefined };
    if (nowMs >= deadline) {
      return { kind: 'failed', error: new Error(`${what} still present after ${timeoutSeconds}s: ${left.join(', ')}`) };
    }
    return { kind: 'pending', wakeAtMs: deadline };
  };
}

/** A check that is done once every named runtime class exists. */
export function runtimeClassesPresent(names: string[], timeoutSeconds: number, startMs: number): Check<void> {
  const deadline = startMs + timeoutSeconds * 1000;
  return (snapshot, nowMs) => {
    const present = snapshot.runtimeClassNames();
    const missing = names.filter((name) => !present.includes(name));
    if (!missing.length) return { kind: 'done', value: undefined };
    if (nowMs >= deadline) {
      return { kind: 'failed', error: new Error(`runtime class ${missing.join(', ')} not present after ${timeoutSeconds}s (present: ${present.join(', ') || 'none'})`) };
    }
    return { kind: 'pending', wakeAtMs: deadline };
  };
}

export const podsWithPrefixes = (prefixes: string[]) => (snapshot: ClusterSnapshot): string[] =>
  prefixes.flatMap((prefix) => snapshot.podsWithPrefix(prefix).map((pod) => pod.metadata.name));

export const runtimeClassesAmong = (names: string[]) => (snapshot: ClusterSnapshot): string[] =>
  snapshot.runtimeClassNames().filter((name) => names.includes(name));

export const nodesLabelled = (labels: string[]) => (snapshot: ClusterSnapshot): string[] =>
  snapshot.nodes().flatMap((node) =>
    labels.filter((label) => node.metadata.labels?.[label] !== undefined).map((label) => `${node.metadata.name} ${label}`),
  );
