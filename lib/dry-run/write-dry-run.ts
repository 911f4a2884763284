import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { redact } from '../exec/redact.ts';
import { catalogTest, type ReleaseProfile } from '../../matrix/index.ts';
import {
  decodeInitData, GENERATED_POLICY_PLACEHOLDER, manifestsToYaml, resourceBytes, type KubeManifest, type TestPlan,
} from '../manifests/index.ts';
import type { DryRunPlatform } from './dry-run-plans.ts';

/** Writes a planned platform under `dir`: per test suites/<feature>/<case>/{manifests.yaml,kbs-calls.json,plan.json},
 *  plus init-data.toml (the decoded TOML of a pod's init-data annotation) where a pod carries one, and
 *  suites/summary.json (every test with its expected outcome). A platform the release does not ship gets only
 *  suites/NOT-SHIPPED.md and the summary — no runtime class is invented. Returns the files written.
 *  Each folder is made once, and the files are written in the background while the next test's are rendered: a dry
 *  run of every release writes thousands of small files, and writing them one after the other, each after a mkdir
 *  of its folder, was most of its time. */
export async function writeDryRun(dir: string, planned: DryRunPlatform, profile: ReleaseProfile): Promise<string[]> {
  const root = join(dir, 'suites');
  mkdirSync(root, { recursive: true });
  const files: string[] = [];
  const writing: Promise<void>[] = [];
  const write = (file: string, text: string): void => {
    const done = writeFile(file, redact(text));
    // Awaited all together below; a failure meanwhile is not an unhandled rejection.
    done.catch(() => {});
    writing.push(done);
    files.push(file);
  };
  const written = async (): Promise<string[]> => {
    await Promise.all(writing);
    return files;
  };
  if (planned.kind === 'not-shipped') {
    write(join(root, 'NOT-SHIPPED.md'), `# ${planned.platform}: nothing to apply\n\n${planned.reason}.\n\n` +
      'Every test of this platform is skipped with that reason; the dry run writes no manifests rather than invent a runtime class.\n');
    write(join(root, 'summary.json'), JSON.stringify({ platform: planned.platform, shipped: false, reason: planned.reason }, null, 2));
    return written();
  }
  const summary = [];
  for (const test of planned.tests) {
    if (!('plan' in test)) {
      summary.push({ id: test.id, expected: test.expected, files: [] });
      continue;
    }
    // The folder is the suite's (feature) name, as suites/<feature>.spec.ts is: test ids of some suites are singular.
    const testDir = join(root, catalogTest(test.id).feature, test.id.slice(test.id.indexOf('/') + 1));
    const before = files.length;
    mkdirSync(testDir, { recursive: true });
    write(join(testDir, 'manifests.yaml'), manifestsToYaml(test.plan.manifests));
    write(join(testDir, 'kbs-calls.json'), JSON.stringify(test.kbsCalls, null, 2));
    write(join(testDir, 'plan.json'), JSON.stringify(planForReading(test.plan), null, 2));
    const initData = initDataOf(test.plan.manifests, profile);
    if (initData) write(join(testDir, 'init-data.toml'), initData);
    // Paths from suites/, so the summary reads the same wherever --out was.
    summary.push({ id: test.id, expected: test.expected, files: files.slice(before).map((file) => relative(root, file)) });
  }
  if (planned.runtimeSetup) write(join(root, 'RUNTIME-SETUP.md'), `# ${planned.runtimeClass}: runtime setup\n\n${planned.runtimeSetup}.\n`);
  write(join(root, 'summary.json'), JSON.stringify({
    platform: planned.platform, runtimeClass: planned.runtimeClass, kbsUrl: planned.kbsUrl,
    ...(planned.runtimeSetup ? { runtimeSetup: planned.runtimeSetup } : {}), tests: summary,
  }, null, 2));
  return written();
}

/** The plan without secret bytes: resource values become their size; policies and image steps stay readable. */
function planForReading(plan: TestPlan): unknown {
  return {
    testId: plan.testId,
    pod: plan.pod,
    kbs: plan.kbs.map((step) => step.op === 'set-resource'
      ? { op: step.op, path: step.path, value: `<${resourceBytes(step).length} bytes${step.encoding === 'base64' ? ', raw' : ''}>`, why: step.why }
      : step),
    images: plan.images.map((image) => ({ ...image, keyBase64: '<32-byte key>' })),
    ...(plan.readyBeforeNext ? { readyBeforeNext: plan.readyBeforeNext } : {}),
    ...(plan.doneMarker ? { doneMarker: plan.doneMarker } : {}),
    expect: plan.expect,
    // Where the failure text must surface (agent-error, guest-log), for the reader who checks it against upstream.
    ...(plan.failureText ? { failureText: plan.failureText } : {}),
    // What genpolicy is given and how it is called; the generated policy itself exists only at run time.
    ...(plan.generatedPolicy ? { generatedPolicy: {
      annotation: plan.generatedPolicy.annotation,
      argv: ['genpolicy', ...plan.generatedPolicy.args, ...plan.generatedPolicy.configMapArgs],
      generateFor: plan.generatedPolicy.generateFor.map((m) => `${m.kind}/${m.metadata.name}`),
    } } : {}),
    // What runs as root on the node before the objects (its output replaces the placeholder in manifests.yaml) and after.
    ...(plan.node ? { node: plan.node } : {}),
    // IBM SE: the command line the node's secure image is rebuilt with (by `node`, on the SE runner), and what a runner must give.
    ...(plan.secureImageRebuild ? { secureImageRebuild: plan.secureImageRebuild } : {}),
    notes: plan.notes,
  };
}

/** The decoded init-data of the plan's pods (the annotation itself is gzip+base64, unreadable in manifests.yaml). */
function initDataOf(manifests: readonly KubeManifest[], profile: ReleaseProfile): string | undefined {
  const format = profile.guestComponents.initData;
  if (!format) return undefined;
  const texts = manifests.flatMap((m) => {
    const value = m.kind === 'Pod' ? m.metadata.annotations?.[format.annotation] : undefined;
    if (value === GENERATED_POLICY_PLACEHOLDER) return [`# ${m.metadata.name}: ${format.annotation}: ${value}\n`];
    return value ? [`# ${m.metadata.name}: ${format.annotation} (${format.encoding}), decoded\n${decodeInitData(format, value)}`] : [];
  });
  return texts.length ? texts.join('\n') : undefined;
}
