import { existsSync } from 'node:fs';
import path from 'node:path';
import { compareReleases } from '../../matrix/index.ts';
import { harnessCacheDir } from '../../lib/exec/cached-go-tool.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { readBundleCache } from './bundle-cache.ts';

/** One thing a run (or the self-tests) needs, as this machine has it. */
export interface Requirement {
  need: string;
  ok: boolean;
  /** What was found: a version and where, or why it does not do. */
  found: string;
  /** How to get it, when not ok. */
  fix?: string;
}

type Env = Record<string, string | undefined>;

/** Debian 12's skopeo 1.9.3 carries ocicrypt 1.0.3, which has no key providers: `--encryption-key provider:…`
 *  fails with "Provided protocol not recognized" (README, What a runner needs). 1.16 is the oldest the README names. */
const SKOPEO_MINIMUM = '1.16';
/** The Go the setup scripts build with (GOTOOLCHAIN=local: none is downloaded): the newest `go` line of the modules
 *  they build — helm v3.22.0's go.mod asks for go 1.26.0 (skopeo v1.19.0: 1.23.3). Ubuntu 24.04's golang-go is
 *  1.22, Debian 12's 1.19. test/matrix/doctor.spec.ts checks this against the modules' own go.mod files. */
export const GO_MINIMUM = '1.26.0';

/** The checks, in the order a new runner meets them. Tools the setup scripts build are looked for where they put
 *  them (${COCO_CACHE_DIR:-~/.cache/coco-conformance}/bin, scripts/setup/cached-go-tool.sh) and then on PATH. */
export async function checkRequirements(env: Env = process.env, options: { hardwareRunner?: boolean } = {}): Promise<Requirement[]> {
  const cacheBin = path.join(harnessCacheDir(env), 'bin');
  const [skopeo, opa, go, helm, chromium] = await Promise.all([
    versionCheck(env, { need: `skopeo ≥ ${SKOPEO_MINIMUM}`, candidates: [path.join(cacheBin, 'skopeo'), 'skopeo'], argv: ['--version'], minimum: SKOPEO_MINIMUM,
      fix: `bash scripts/setup/build-skopeo.sh (builds v1.19.0 into ${cacheBin}; Debian 12's 1.9.3 has no ocicrypt key providers)` }),
    versionCheck(env, { need: 'opa', candidates: [path.join(cacheBin, 'opa'), 'opa'], argv: ['version'], fix: 'bash scripts/setup/build-opa.sh (from the Go module proxy)' }),
    versionCheck(env, { need: `go ≥ ${GO_MINIMUM}`, candidates: ['go'], argv: ['version'], minimum: GO_MINIMUM,
      fix: `install Go ≥ ${GO_MINIMUM} from https://go.dev/dl/ first on PATH (it builds skopeo, helm, opa and the offline bundle; a distribution's golang-go is older: Ubuntu 24.04's is 1.22)` }),
    // Where build-helm.sh puts it first, as the Helm install looks for it (harness/install/helm-install.ts).
    versionCheck(env, { need: 'helm', candidates: [path.join(cacheBin, 'helm'), 'helm'], argv: ['version', '--short'],
      fix: `bash scripts/setup/build-helm.sh (builds it into ${cacheBin}; releases installed by their Helm chart need it)` }),
    versionCheck(env, { need: 'chromium', candidates: ['chromium', '/usr/bin/chromium'], argv: ['--version'],
      fix: 'apt-get install chromium on Debian (the report self-tests open the HTML report in it; a hardware runner does not need it: doctor --hardware-runner)' }),
  ]);
  const bundle = readBundleCache(env);
  const bundleCheck: Requirement = bundle.present
    ? { need: 'offline Kubernetes bundle', ok: true, found: `${bundle.expected} (${bundle.binaries.length} binaries, ${bundle.images} image archives)` }
    : { need: 'offline Kubernetes bundle', ok: false, found: `absent (${bundle.expected})`, fix: 'bash scripts/bundle/build.sh (from the Go module proxy, cached)' };
  // A hardware runner (Ubuntu 24.04, its own cluster) runs the suites only: opa and chromium serve the self-tests,
  // the offline bundle the control runner's `source: bundle` cluster.
  if (options.hardwareRunner) return [skopeo, go, helm];
  return [skopeo, opa, go, helm, chromium, bundleCheck];
}

const VERSION = /\d+\.\d+(\.\d+)?/;

async function versionCheck(
  env: Env,
  check: { need: string; candidates: string[]; argv: string[]; minimum?: string; fix: string },
): Promise<Requirement> {
  const seen: string[] = [];
  for (const candidate of check.candidates) {
    const binary = candidate.includes('/') ? (existsSync(candidate) ? candidate : undefined) : await onPath(candidate, env);
    if (!binary) continue;
    const result = await runCommand([binary, ...check.argv], { nothrow: true, env, timeoutMs: 15_000 });
    const version = `${result.stdout}\n${result.stderr}`.match(VERSION)?.[0];
    if (result.exitCode !== 0 || !version) {
      seen.push(`${binary} does not run (\`${[binary, ...check.argv].join(' ')}\` exited ${result.exitCode})`);
      continue;
    }
    if (check.minimum && compareReleases(version, check.minimum) < 0) {
      seen.push(`${binary} is ${version}, older than ${check.minimum}`);
      continue;
    }
    return { need: check.need, ok: true, found: `${version} (${binary})` };
  }
  return { need: check.need, ok: false, found: seen.length ? seen.join('; ') : 'missing', fix: check.fix };
}

async function onPath(name: string, env: Env): Promise<string | undefined> {
  const located = await runCommand(['sh', '-c', 'command -v "$1"', 'sh', name], { nothrow: true, env });
  return located.exitCode === 0 ? located.stdout.trim() || undefined : undefined;
}
