import type { OperatorReadiness } from '../../matrix/release-profile.ts';
import { isRunning, podRestarts, type ClusterSnapshot } from './cluster-snapshot.ts';
import type { Check } from './wait-until.ts';

/** Upstream's readiness (operator tests/e2e/operator.sh), one stage after another, each with its own limit:
 *  controller Running → install and pre-install daemons Running → every expected runtime class present →
 *  node labels present → no restart across the stabilisation window. */
export type ReadinessStage = 'controller' | 'daemons' | 'runtime-classes' | 'node-labels' | 'stabilisation';

export interface ReadinessInput {
  readiness: OperatorReadiness;
  namespace: string;
  runtimeClasses: string[];
  stages: ReadinessStage[];
}

interface StageState {
  stage: ReadinessStage;
  startedAtMs: number;
  /** Restart counts when the stabilisation window opened. */
  baseline?: Map<string, number>;
}

export function readinessCheck(input: ReadinessInput, startMs: number): Check<ClusterSnapshot> {
  const { readiness, namespace, runtimeClasses } = input;
  const stages = [...input.stages];
  let current: StageState | undefined = stages.length ? { stage: stages.shift()!, startedAtMs: startMs } : undefined;

  const limitSeconds = (stage: ReadinessStage): number => {
    switch (stage) {
      case 'controller': return readiness.controllerTimeoutSeconds;
      case 'daemons': return readiness.daemonTimeoutSeconds;
      case 'runtime-classes':
      case 'node-labels': return readiness.runtimeClassTimeoutSeconds;
      case 'stabilisation': return readiness.stabilisationSeconds;
    }
  };

  /** Why the stage is not met yet, or undefined when it is. */
  const unmet = (stage: ReadinessStage, snapshot: ClusterSnapshot): string | undefined => {
    switch (stage) {
      case 'controller':
        return runningOrWhy(snapshot, readiness.controllerPodPrefix, namespace);
      case 'daemons':
        return readiness.daemonPods.map((prefix) => runningOrWhy(snapshot, prefix, namespace)).find(Boolean);
      case 'runtime-classes': {
        const present = snapshot.runtimeClassNames();
        const missing = runtimeClasses.filter((name) => !present.includes(name));
        return missing.length
          ? `runtime class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')} not present (present: ${present.join(', ') || 'none'})`
          : undefined;
      }
      case 'node-labels': {
        const wanted = Object.entries(readiness.nodeLabels);
        const labelled = snapshot.nodes().some((node) => wanted.every(([k, v]) => node.metadata.labels?.[k] === v));
        return labelled || wanted.length === 0 ? undefined : `no node carries ${wanted.map(([k, v]) => `${k}=${v}`).join(', ')}`;
      }
      case 'stabilisation':
        return undefined;
    }
  };

  return (snapshot, nowMs) => {
    while (current) {
      const stage = current.stage;
      if (stage === 'stabilisation') {
        current.baseline ??= restartCounts(snapshot);
        const changed = restartedOrStopped(snapshot, current.baseline);
        if (changed) return { kind: 'failed', error: new Error(`release not ready: ${changed} during the ${readiness.stabilisationSeconds}s stabilisation window`) };
        const endsAt = current.startedAtMs + readiness.stabilisationSeconds * 1000;
        if (nowMs < endsAt) return { kind: 'pending', wakeAtMs: endsAt };
      } else {
        const why = unmet(stage, snapshot);
        const deadline = current.startedAtMs + limitSeconds(stage) * 1000;
        if (why && nowMs >= deadline) {
          return { kind: 'failed', error: new Error(`release not ready after ${limitSeconds(stage)}s (${stage}): ${why}`) };
        }
        if (why) return { kind: 'pending', wakeAtMs: deadline };
      }
      const next = stages.shift();
      current = next ? { stage: next, startedAtMs: nowMs } : undefined;
    }
    return { kind: 'done', value: snapshot };
  };
}

function runningOrWhy(snapshot: ClusterSnapshot, prefix: string, namespace: string): string | undefined {
  const pods = snapshot.podsWithPrefix(prefix);
  if (pods.some(isRunning)) return undefined;
  if (!pods.length) return `no pod ${prefix}-* in namespace ${namespace}`;
  return `pod ${pods[0]!.metadata.name} is ${pods[0]!.status?.phase ?? 'without phase'}, not Running`;
}

function restartCounts(snapshot: ClusterSnapshot): Map<string, number> {
  return new Map(snapshot.pods().map((pod) => [pod.metadata.name, podRestarts(pod)]));
}

/** Upstream counts a restart anywhere in the operator namespace as not ready, as it does a pod that stops running. */
function restartedOrStopped(snapshot: ClusterSnapshot, baseline: Map<string, number>): string | undefined {
  for (const [name, before] of baseline) {
    const pod = snapshot.pods().find((p) => p.metadata.name === name);
    if (!pod) return `pod ${name} disappeared`;
    const after = podRestarts(pod);
    if (after > before) return `pod ${name} restarted (restarts ${before} → ${after})`;
    if (!isRunning(pod)) return `pod ${name} left Running (phase ${pod.status?.phase ?? 'unknown'})`;
  }
  return undefined;
}
