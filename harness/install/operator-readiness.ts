import type { CcRuntimeOverlay, OperatorReadiness } from '../../matrix/release-profile.ts';
import {
  ccRuntimeInstalled, nodeLabelled, podsRunning, runtimeClassesPresent, stabilisationLimit, stabilised, type WaitStage,
} from '../../lib/cluster/wait/index.ts';

/** Upstream's readiness (operator tests/e2e/operator.sh), as named conditions, one stage after another, each with
 *  its own limit from the profile: controller Running, then (after the overlay is applied) the CcRuntime installed
 *  as the release's operator.sh decides it (its install daemons Running up to v0.11, the CcRuntime's status from
 *  v0.12) → every runtime class the overlay creates present → the overlay's node labels on a
 *  node (the harness's stage) → upstream's wait_for_stabilization. */
export function controllerReady(readiness: OperatorReadiness, namespace: string): WaitStage[] {
  return [{ condition: podsRunning(namespace, [readiness.controllerPodPrefix], 'controller pod'),
    options: { timeoutSeconds: readiness.controllerTimeoutSeconds } }];
}

export function overlayReady(readiness: OperatorReadiness, namespace: string, overlay: CcRuntimeOverlay): WaitStage[] {
  return [
    { condition: installedCondition(readiness.installed, namespace, overlay), options: { timeoutSeconds: readiness.installed.timeoutSeconds } },
    { condition: runtimeClassesPresent(overlay.runtimeClasses), options: { timeoutSeconds: readiness.runtimeClassTimeoutSeconds } },
    { condition: nodeLabelled(overlay.nodeLabels), options: { timeoutSeconds: readiness.runtimeClassTimeoutSeconds } },
    { condition: stabilised(namespace, readiness.stabilisation), options: stabilisationLimit(readiness.stabilisation) },
  ];
}

function installedCondition(installed: OperatorReadiness['installed'], namespace: string, overlay: CcRuntimeOverlay) {
  return installed.by === 'daemon-pods' ? podsRunning(namespace, installed.pods, 'daemon pods') : ccRuntimeInstalled(overlay.ccRuntime);
}
