import type { Stabilisation } from '../../matrix/release-profile.ts';
import type { ClusterSnapshot } from './cluster-snapshot.ts';
import type { Verdict } from './wait-until.ts';

/** operator tests/e2e/operator.sh wait_for_stabilization (v0.9.0 :262-294), driven by watch events instead of
 *  `kubectl get` every 21 s. Upstream compares each container's restartCount with the value it last saw; a look
 *  with no new or changed count is an unchanged look. The first look only records (upstream's always "changes").
 *  Ready after `unchangedPolls` unchanged looks, failed when `maxPolls` looks after the first did not bring them.
 *  Events are seen as they happen, so a change is attributed to the interval it happened in, which is what the
 *  next look would have seen: restart counts only grow. */
export function stabilisationCheck(rule: Stabilisation, startMs: number, first: ClusterSnapshot): (snapshot: ClusterSnapshot, nowMs: number) => Verdict<void> {
  const seen = restartCounts(first);
  let looks = 0;
  let unchanged = 0;
  let changedSinceLook = false;
  let lastChange: string | undefined;
  const lookAt = (n: number): number => startMs + n * rule.intervalSeconds * 1000;

  return (snapshot, nowMs) => {
    // Looks that were due up to now see only the changes recorded before this moment.
    while (lookAt(looks + 1) <= nowMs) {
      looks += 1;
      if (!changedSinceLook) unchanged += 1;
      changedSinceLook = false;
      if (unchanged >= rule.unchangedPolls) return { kind: 'done', value: undefined };
      if (looks >= rule.maxPolls) return { kind: 'failed', error: new Error(notStable(rule, looks, unchanged, lastChange)) };
    }
    const changes = recordChanges(seen, restartCounts(snapshot));
    if (changes.length) {
      changedSinceLook = true;
      lastChange = changes.join(', ');
    }
    return { kind: 'pending', wakeAtMs: lookAt(looks + 1) };
  };
}

/** "pod/container" → restartCount for every pod of the snapshot; a pod without container statuses yet counts as one
 *  entry (upstream's jsonpath prints its name alone), so its containers appearing later is a change too. */
export function restartCounts(snapshot: ClusterSnapshot): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pod of snapshot.pods()) {
    const statuses = pod.status?.containerStatuses ?? [];
    if (!statuses.length) counts.set(`${pod.metadata.name}/`, 0);
    for (const status of statuses) counts.set(`${pod.metadata.name}/${status.name}`, status.restartCount);
  }
  return counts;
}

/** Updates `seen` with `now` and says what changed. A pod that went away is no change: upstream only reads the
 *  pods it lists, and keeps the counts of the others. */
function recordChanges(seen: Map<string, number>, now: Map<string, number>): string[] {
  const changes: string[] = [];
  for (const [key, count] of now) {
    const before = seen.get(key);
    if (before === count) continue;
    const [pod, container] = key.split('/');
    const who = container ? `pod ${pod} container ${container}` : `pod ${pod}`;
    changes.push(before === undefined ? `${who} appeared` : `${who} restarted (restarts ${before} → ${count})`);
    seen.set(key, count);
  }
  return changes;
}

function notStable(rule: Stabilisation, looks: number, unchanged: number, lastChange: string | undefined): string {
  return `not stable after ${looks} looks ${rule.intervalSeconds}s apart: ${unchanged} unchanged, ${rule.unchangedPolls} needed` +
    (lastChange ? `; last change: ${lastChange}` : '');
}

/** How the rule reads in a wait description. */
export function describeStabilisation(rule: Stabilisation): string {
  return `${rule.unchangedPolls} looks ${rule.intervalSeconds}s apart without a new or restarted container (at most ${rule.maxPolls})`;
}
