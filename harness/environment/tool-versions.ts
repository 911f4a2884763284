import type { EnvironmentFacts } from '../../reporters/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';

/** kustomize as kubectl embeds it (what `kubectl apply -k` really uses) and helm, when installed. */
export async function captureToolVersions(): Promise<EnvironmentFacts> {
  const facts: EnvironmentFacts = {};
  const kubectl = await runCommand(['kubectl', 'version', '--client', '-o', 'json'], { nothrow: true });
  if (kubectl.exitCode === 0) {
    const parsed = JSON.parse(kubectl.stdout) as { clientVersion?: { gitVersion?: string }; kustomizeVersion?: string };
    facts.kustomize = parsed.kustomizeVersion;
    facts.kubectl = parsed.clientVersion?.gitVersion;
  }
  const helm = await runCommand(['helm', 'version', '--short'], { nothrow: true });
  if (helm.exitCode === 0) facts.helm = helm.stdout.trim();
  return facts;
}
