import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { DEFAULT_RELEASES_DIR, releaseTag, type PlatformId } from '../../matrix/index.ts';
import type { SuiteEnvironment } from '../suite-environment.ts';

/** A developer run's release when COCO_RELEASE is not set: the newest encoded release, as matrix/local.yaml runs. */
export const DEFAULT_RELEASE = 'latest';

/** The suite environment: the JSON file named by COCO_SUITE_ENV (written by `coco-conformance run`), else a
 *  developer's defaults — the current kubeconfig, release COCO_RELEASE (a tag, `latest` or `previous`) or the newest
 *  encoded release, platforms COCO_PLATFORM
 *  (comma-separated) or every platform of the release (empty list here; the config fills it from the profile),
 *  upstream images, KBS discovered from the cluster unless COCO_KBS_URL is set. */
export function loadSuiteEnvironment(env: NodeJS.ProcessEnv = process.env): SuiteEnvironment {
  const file = env.COCO_SUITE_ENV;
  if (file) {
    let parsed: SuiteEnvironment;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as SuiteEnvironment;
    } catch (error) {
      throw new Error(`failed to read the suite environment ${file} (COCO_SUITE_ENV): ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const key of ['release', 'platforms', 'runner', 'runId', 'outDir', 'kbs', 'images'] as const) {
      if (parsed[key] === undefined) throw new Error(`suite environment ${file}: ${key}: missing`);
    }
    return parsed;
  }
  // Checked against the release's platforms where the profile is loaded: playwright.config.ts, which makes the projects.
  const platforms = (env.COCO_PLATFORM ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return {
    release: releaseTag(env.COCO_RELEASE ?? DEFAULT_RELEASE, DEFAULT_RELEASES_DIR),
    platforms: platforms as PlatformId[],
    ...(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG.split(':')[0] } : {}),
    runner: env.COCO_RUNNER ?? hostname(),
    // Set once by the config in the main process; workers inherit it, so all share one run id.
    runId: env.COCO_RUN_ID ?? `dev-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    outDir: env.COCO_OUT_DIR ?? 'results/dev',
    ...(env.COCO_NODE ? { nodeName: env.COCO_NODE } : {}),
    kbs: {
      ...(env.COCO_KBS_URL ? { url: env.COCO_KBS_URL } : {}),
      ...(env.COCO_KBS_ADMIN_URL ? { adminUrl: env.COCO_KBS_ADMIN_URL } : {}),
      ...(env.COCO_KBS_ADMIN_KEY ? { adminKeyFile: env.COCO_KBS_ADMIN_KEY } : {}),
      // Set by harness/platforms/serve-kbs-double.ts: the KBS is the harness's double, and records say so.
      isDouble: Boolean(env.COCO_KBS_DOUBLE),
    },
    images: { kind: 'upstream' },
    doubles: env.COCO_KBS_DOUBLE ? [env.COCO_KBS_DOUBLE] : [],
    dryRun: false,
    nodeShell: (env.COCO_NODE_SHELL as SuiteEnvironment['nodeShell'] | undefined) ?? 'debug',
    ...(env.COCO_NODE_SHELL_IMAGE ? { nodeShellImage: env.COCO_NODE_SHELL_IMAGE } : {}),
  };
}
