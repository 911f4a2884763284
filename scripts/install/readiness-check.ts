import type { OperatorReadiness } from '../../matrix/release-profile.ts';
import { isRunning, type ClusterSnapshot } from './cluster-snapshot.ts';
import { stabilisationCheck } from './stabilisation-check.ts';
import type { Check, Verdict } from './wait-until.ts';

/** Upstream's readiness (operator tests/e2e/operator.sh), one stage after another, each with its own limit:
 *  controller Running → install and pre-install daemons Running → every expected runtime class present →
 *  the overlay's node labels present (the harness's stage) → upstream's wait_for_stabilization. */
export type ReadinessStage = 'controller' | 'daemons' | 'runtime-classes' | 'node-labels' | 'stabilisation';

export interface ReadinessInput {
  readiness: OperatorReadiness;
  namespace: string;
  runtimeClasses: string[];
  /** The labels some node must carry: the installed overlay's (CcRuntimeOverlay.nodeLabels). */
  nodeLabels: Record<string, string>;
  stages: ReadinessStage[];
}

interface StageState {
  stage: ReadinessStage;
  startedAtMs: number;
  /** The stabilisation stage's looks, from the moment it began. */
  stabilisation?: (snapshot: ClusterSnapshot, nowMs: number) => Verdict<void>;
}

export function readinessCheck(input: ReadinessInput, startMs: number): Check<ClusterSnapshot> {
  const { readiness, namespace, runtimeClasses, nodeLabels } = input;
  const stages = [...input.stages];
  let current: StageState | undefined = stages.length ? { stage: stages.shift()!, startedAtMs: startMs } : undefined;

  const limitSeconds = (stage: Exclude<ReadinessStage, 'stabilisation'>): number => {
    switch (stage) {
      case 'controller': return readiness.controllerTimeoutSeconds;
      case 'daemons': return readiness.daemonTimeoutSeconds;
      case 'runtime-classes':
      case 'node-labels': return readiness.runtimeClassTimeoutSeconds;
    }
  };

  /** Why the stage is not met yet, or undefined when it is. */
  const unmet = (stage: Exclude<ReadinessStage, 'stabilisation'>, snapshot: ClusterSnapshot): string | undefined => {
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
      case 'node-labels':
        return unlabelled(snapshot, nodeLabels);
    }
  };

  return (snapshot, nowMs) => {
    while (current) {
      const stage = current.stage;
      if (stage === 'stabilisation') {
        current.stabilisation ??= stabilisationCheck(readiness.stabilisation, current.startedAtMs, snapshot);
        const verdict = current.stabilisation(snapshot, nowMs);
        if (verdict.kind === 'failed') return { kind: 'failed', error: new Error(`release not ready (stabilisation): ${verdict.error.message}`) };
        if (verdict.kind === 'pending') return verdict;
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

/** Why no node carries every wanted label (with the labels the nodes do carry of those), or undefined. */
function unlabelled(snapshot: ClusterSnapshot, wanted: Record<string, string>): string | undefined {
  const entries = Object.entries(wanted);
  const nodes = snapshot.nodes();
  if (!entries.length || nodes.some((node) => entries.every(([k, v]) => node.metadata.labels?.[k] === v))) return undefined;
  const seen = nodes.map((node) => {
    const has = entries.filter(([k]) => node.metadata.labels?.[k] !== undefined).map(([k]) => `${k}=${node.metadata.labels?.[k]}`);
    return `${node.metadata.name}: ${has.join(', ') || 'none of them'}`;
  });
  return `no node carries ${entries.map(([k, v]) => `${k}=${v}`).join(', ')} (${seen.join('; ') || 'no nodes'})`;
}
