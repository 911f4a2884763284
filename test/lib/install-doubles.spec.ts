import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parseAllDocuments, stringify } from 'yaml';
import { ensureHelm, kataDeployShape, packageChartDouble, writeChartDouble, writeOperatorDouble } from '../../lib/install-doubles/index.ts';
import { encodedReleases, helmValues, loadRelease, mergeValues } from '../../matrix/index.ts';
import type { HelmInstall, OperatorInstall, ReleaseProfile } from '../../matrix/release-profile.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { CONTROL_OPERATOR_OVERLAY } from '../../harness/install/index.ts';
import { chartRuntimeClasses } from '../../harness/install/helm-install.ts';
import { kubectlForKustomize } from '../pipeline/support/kustomize-binary.ts';
import { sourcePath } from '../../matrix/source-root.ts';
import { scratchDirectory } from './scratch-directory.ts';

/** The install doubles, checked by real helm (built from the Go module proxy, scripts/setup/build-helm.sh) and the
 *  kustomize inside the offline bundle's kubectl — the same tools the control run installs them with — without a
 *  cluster. What the doubles must show is the release profile's (and, for kata-deploy's chart, the transcription of
 *  upstream's values.yaml at the kata tag the profile pins: lib/install-doubles/chart/kata-deploy-shapes), never this
 *  file's. */
const scratch = scratchDirectory('install-doubles');
const releases = encodedReleases().map((release) => loadRelease(release));
const helmReleases = releases.filter((p) => p.install.method === 'helm');
const operatorReleases = releases.filter((p) => p.install.method === 'operator');

test.describe.configure({ timeout: 20 * 60_000 });

let helm: string;
test.beforeAll(async () => {
  helm = await ensureHelm();
});

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  handler?: string;
  overhead?: { podFixed?: { memory?: string; cpu?: string } };
  scheduling?: { nodeSelector?: Record<string, string> };
  spec?: { template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } };
  data?: Record<string, string>;
}

/** `helm template` of `chart` with `values` as helm reads them, from a values file. */
async function helmTemplate(chart: string, values: Record<string, unknown>, extra: string[] = []) {
  const file = scratch('values.yaml');
  writeFileSync(file, stringify(values));
  return runCommand([helm, 'template', 'coco', chart, '--namespace', 'coco-system', '--values', file, ...extra], { nothrow: true });
}

/** The release's chart double rendered with `values`; the double's schema checked unless `skipSchema` (as the real
 *  chart, which has none). Fails with helm's own message when helm refuses. */
async function render(chart: string, values: Record<string, unknown>, skipSchema = false): Promise<string> {
  const result = await helmTemplate(chart, values, skipSchema ? ['--skip-schema-validation'] : []);
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout;
}

/** helm's refusal of `values`: its stderr, or '' when it renders. */
async function refusal(chart: string, values: Record<string, unknown>): Promise<string> {
  const result = await helmTemplate(chart, values);
  return result.exitCode === 0 ? '' : result.stderr;
}

function objects(manifest: string): Rendered[] {
  return parseAllDocuments(manifest).map((doc) => doc.toJS() as Rendered | null).filter((o): o is Rendered => Boolean(o?.kind));
}

/** The profile's values for x86_64 with `over` merged in under the alias. */
function valuesWith(recipe: HelmInstall, over: Record<string, unknown>): Record<string, unknown> {
  const values = structuredClone(helmValues(recipe, 'x86_64')) as Record<string, Record<string, unknown>>;
  values['kata-as-coco-runtime'] = mergeValues(values['kata-as-coco-runtime'] ?? {}, over);
  return values;
}

/** The release's chart double, unpackaged, in the shape of the kata the profile pins. */
function chartOf(profile: ReleaseProfile): string {
  return writeChartDouble(join(scratch(), `chart-${profile.release}`), (profile.install as HelmInstall).version!, profile.components.kata.version);
}

for (const profile of helmReleases) {
  const recipe = profile.install as HelmInstall;
  const kata = profile.components.kata.version;

  test(`${profile.release}: helm lint passes on the chart double in kata ${kata}'s shape`, async () => {
    const lint = await runCommand([helm, 'lint', chartOf(profile)], { nothrow: true });
    expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
    expect(kataDeployShape(kata).exact, `the double has kata-deploy's shape at ${kata} itself`).toBe(true);
  });

  test(`${profile.release}: the chart double, packaged as the release's chart, makes the profile's runtime classes per arch and the kata-deploy DaemonSet under the alias`, async () => {
    const chart = await packageChartDouble(helm, join(scratch(), profile.release), recipe.version!, kata);
    const shown = (await runCommand([helm, 'show', 'chart', chart])).stdout;
    expect(shown).toMatch(new RegExp(`^version: ${recipe.version!.replace(/\./g, '\\.')}$`, 'm'));
    expect(shown).toContain('alias: kata-as-coco-runtime');
    for (const [arch, expected] of Object.entries(recipe.runtimeClasses)) {
      const manifest = await render(chart, helmValues(recipe, arch as 'x86_64'));
      expect(chartRuntimeClasses(manifest), `${arch}: every class the profile expects`).toEqual(expect.arrayContaining(expected));
      expect(objects(manifest).filter((o) => o.kind === 'DaemonSet').map((o) => `${o.metadata.namespace}/${o.metadata.name}`))
        .toEqual([`${recipe.namespace}/kata-as-coco-runtime`]);
      expect(manifest).toContain('kubectl label node "${NODE_NAME}" katacontainers.io/kata-runtime=true --overwrite');
    }
  });

  test(`${profile.release}: pod overhead on the runtime classes iff kata ${kata}'s values enable it`, async () => {
    const chart = chartOf(profile);
    const expected = recipe.runtimeClasses.x86_64!;
    const withOverhead = (manifest: string) => objects(manifest).filter((o) => o.kind === 'RuntimeClass' && expected.includes(o.metadata.name))
      .filter((o) => o.overhead?.podFixed?.memory && o.overhead.podFixed.cpu).map((o) => o.metadata.name);
    // The profile's own values: kata-deploy's default puts overhead on every class (values.yaml
    // runtimeClasses.overheadEnabled: true from 3.29.0; no switch before).
    expect(withOverhead(await render(chart, helmValues(recipe, 'x86_64'))).sort()).toEqual([...expected].sort());
    const { shape } = kataDeployShape(kata);
    const runtimeClasses = shape.values.runtimeClasses as Record<string, unknown>;
    const off = { runtimeClasses: { overheadEnabled: false } };
    if (!('overheadEnabled' in runtimeClasses)) {
      // No such key at this kata (values.yaml runtimeClasses has none): the double refuses it, by name.
      expect(await refusal(chart, valuesWith(recipe, off))).toMatch(/additional properties 'overheadEnabled' not allowed/);
      return;
    }
    expect(withOverhead(await render(chart, valuesWith(recipe, off)))).toEqual([]);
    // One shim switched back on over the global switch (shims.<name>.runtimeClass.overheadEnabled).
    const shim = expected[0]!.replace(/^kata-/, '');
    const one = mergeValues(off, { shims: { [shim]: { runtimeClass: { overheadEnabled: true, overhead: { memory: '321Mi' } } } } });
    const manifest = await render(chart, valuesWith(recipe, one));
    expect(withOverhead(manifest)).toEqual([expected[0]]);
    expect(objects(manifest).find((o) => o.metadata.name === expected[0])?.overhead?.podFixed?.memory).toBe('321Mi');
  });

  test(`${profile.release}: env.multiInstallSuffix renames the classes, handlers, instance label, DaemonSet and its account as kata-deploy does`, async () => {
    const suffix = 'pr4242';
    const manifest = await render(chartOf(profile), valuesWith(recipe, { env: { multiInstallSuffix: suffix }, runtimeClasses: { createDefault: true } }));
    const all = objects(manifest);
    const classes = all.filter((o) => o.kind === 'RuntimeClass');
    expect(classes.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(recipe.runtimeClasses.x86_64!.map((name) => `${name}-${suffix}`)));
    for (const rc of classes) {
      expect(rc.metadata.name, 'every class suffixed; no default class under a suffix').toMatch(new RegExp(`^kata-.+-${suffix}$`));
      expect(rc.handler).toBe(rc.metadata.name);
      expect(rc.metadata.labels?.['kata-deploy/instance']).toBe(suffix);
    }
    const [daemonset] = all.filter((o) => o.kind === 'DaemonSet');
    expect(daemonset?.metadata.name).toBe(`kata-as-coco-runtime-${suffix}`);
    expect(daemonset?.spec?.template?.metadata?.labels?.name).toBe(`kata-as-coco-runtime-${suffix}`);
    expect(daemonset?.spec?.template?.spec?.serviceAccountName).toBe(`kata-as-coco-runtime-sa-${suffix}`);
    expect(all.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toContain(`kata-as-coco-runtime-sa-${suffix}`);
    // Without a suffix: the plain names, and createDefault's class `kata` (runtimeClasses.defaultName) beside them.
    const plain = objects(await render(chartOf(profile), valuesWith(recipe, { runtimeClasses: { createDefault: true } })));
    expect(plain.filter((o) => o.kind === 'RuntimeClass').map((o) => o.metadata.name)).toEqual(expect.arrayContaining([...recipe.runtimeClasses.x86_64!]));
    expect(plain.find((o) => o.kind === 'DaemonSet')?.metadata.name).toBe('kata-as-coco-runtime');
  });

  test(`${profile.release}: node-feature-discovery's values are taken and honoured; the double runs no NFD`, async () => {
    const chart = chartOf(profile);
    const off = objects(await render(chart, helmValues(recipe, 'x86_64')));
    expect(off.find((o) => o.kind === 'DaemonSet')?.spec?.template?.spec?.affinity).toBeUndefined();
    // The subchart's own keys pass through to it (kata-deploy reads only `enabled`).
    const on = objects(await render(chart, valuesWith(recipe, { 'node-feature-discovery': { enabled: true, worker: { tolerations: [] } } })));
    expect(JSON.stringify(on.find((o) => o.kind === 'DaemonSet')?.spec?.template?.spec?.affinity))
      .toContain('feature.node.kubernetes.io/cpu-cpuid.VMX');
    expect(on.filter((o) => /node-feature-discovery/.test(o.metadata.name)), 'no NFD object: the double runs none').toEqual([]);
    const snp = on.find((o) => o.kind === 'RuntimeClass' && o.metadata.name === 'kata-qemu-snp');
    const { shape } = kataDeployShape(kata);
    // From 3.28.0 a pure TEE class carries NFD's feature label when NFD is on (shape templates.shimRuntimeClass).
    expect(snp?.scheduling?.nodeSelector?.['amd.feature.node.kubernetes.io/snp']).toBe(shape.templates.shimRuntimeClass ? 'true' : undefined);
  });

  test(`${profile.release}: verification.pod makes the post-install verification Job; none without it`, async () => {
    const chart = chartOf(profile);
    expect(objects(await render(chart, helmValues(recipe, 'x86_64'))).filter((o) => /verif/.test(o.metadata.name))).toEqual([]);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kata-deploy-verify\nspec:\n  runtimeClassName: kata-qemu-coco-dev\n';
    const all = objects(await render(chart, valuesWith(recipe, { verification: { pod } })));
    const job = all.find((o) => o.kind === 'Job' && o.metadata.name === 'coco-kata-as-coco-runtime-verify');
    expect(job?.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    expect(all.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'coco-kata-as-coco-runtime-verification-spec')?.data?.['pod-spec.yaml'])
      .toContain('runtimeClassName: kata-qemu-coco-dev');
  });

  test(`${profile.release}: testDouble.apiServer reaches every pod of the double that calls the API server; unset, none is told`, async () => {
    const chart = chartOf(profile);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kata-deploy-verify\n';
    const apiEnv = async (values: Record<string, unknown>) => objects(await render(chart, values))
      .filter((o) => o.spec?.template?.spec)
      .map((o) => {
        const [container] = o.spec!.template!.spec!.containers as { env?: { name: string; value?: string }[] }[];
        return [o.kind, (container!.env ?? []).filter((e) => e.name.startsWith('KUBERNETES_SERVICE_')).map((e) => `${e.name}=${e.value}`)];
      });
    const set = await apiEnv(valuesWith(recipe, { verification: { pod }, testDouble: { apiServer: { host: '198.18.0.1', port: 6443 } } }));
    // The DaemonSet, the verification Job and the cleanup hook Job at kata's tag (a post-delete or a SIGTERM cleanup).
    expect(set.map(([kind]) => kind).sort()).toEqual(['DaemonSet', 'Job', 'Job']);
    for (const [kind, env] of set) expect(env, String(kind)).toEqual(['KUBERNETES_SERVICE_HOST=198.18.0.1', 'KUBERNETES_SERVICE_PORT=6443']);
    const unset = await apiEnv(valuesWith(recipe, { verification: { pod } }));
    expect(unset.map(([, env]) => env)).toEqual([[], [], []]);
  });
}

test('a misspelt values key: the real chart (no values.schema.json) takes it silently and the class it was to enable is missing by name; the double refuses it', async () => {
  const profile = helmReleases.at(-1)!;
  const recipe = profile.install as HelmInstall;
  const values = structuredClone(helmValues(recipe, 'x86_64')) as { 'kata-as-coco-runtime': { shims: Record<string, Record<string, unknown>> } };
  const shims = values['kata-as-coco-runtime'].shims;
  expect(shims.disableAll, `${profile.release} enables its shims one by one under disableAll`).toBe(true);
  const { enabled, ...rest } = shims['qemu-snp']!;
  shims['qemu-snp'] = { ...rest, enabeld: enabled };
  const chart = chartOf(profile);
  // As the real chart: no schema, helm renders, the class is missing (harness/install/helm-install.ts names it).
  const made = chartRuntimeClasses(await render(chart, values, true));
  expect(made).not.toContain('kata-qemu-snp');
  expect(recipe.runtimeClasses.x86_64!.filter((name) => !made.includes(name))).toEqual(['kata-qemu-snp']);
  // The double refuses the key at once, and any key kata-deploy's values.yaml at the tag does not have.
  expect(await refusal(chart, values)).toMatch(/at '\/shims\/qemu-snp': additional properties 'enabeld' not allowed/);
  expect(await refusal(chart, valuesWith(recipe, { shims: { 'qemu-snpp': { enabled: true } } }))).toMatch(/additional properties 'qemu-snpp' not allowed/);
  expect(await refusal(chart, { ...helmValues(recipe, 'x86_64'), 'kata-as-coco-runtim': { debug: true } }))
    .toMatch(/additional properties 'kata-as-coco-runtim' not allowed/);
  expect(await refusal(chart, valuesWith(recipe, { env: { multiInstallSufix: 'x' } }))).toMatch(/additional properties 'multiInstallSufix' not allowed/);
  // Every release profile's own values pass.
  for (const p of helmReleases) expect(await refusal(chartOf(p), helmValues(p.install as HelmInstall, 'x86_64')), p.release).toBe('');
});

for (const profile of operatorReleases) {
  test(`${profile.release}: the operator double renders with kustomize as the release's config/release and ccruntime overlay`, async () => {
    const recipe = profile.install as OperatorInstall;
    const overlay = recipe.overlays[CONTROL_OPERATOR_OVERLAY]!;
    const double = writeOperatorDouble({
      dir: join(scratch(), profile.release), release: profile.release, recipe, overlayName: CONTROL_OPERATOR_OVERLAY,
      image: { repository: '127.0.0.1:5000/coco-conformance/install-double', tag: 'v1.30.14' },
    });
    const kubectl = kubectlForKustomize();
    const release = (await runCommand([kubectl, 'kustomize', double.kustomization(recipe.operatorKustomization)])).stdout;
    const objects = parseAllDocuments(release).map((doc) => doc.toJS() as {
      kind: string; metadata: { name: string; namespace?: string }; spec?: { template?: { spec?: { containers?: Array<{ image: string }> } } };
    });
    const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
    expect(byKind('Namespace').map((o) => o.metadata.name)).toEqual([recipe.namespace]);
    expect(byKind('CustomResourceDefinition').map((o) => o.metadata.name)).toEqual(['ccruntimes.confidentialcontainers.org']);
    const [manager] = byKind('Deployment');
    expect(manager?.metadata.name.startsWith(recipe.readiness.controllerPodPrefix)).toBe(true);
    expect(manager?.metadata.namespace).toBe(recipe.namespace);
    expect(manager?.spec?.template?.spec?.containers?.[0]?.image).toBe('127.0.0.1:5000/coco-conformance/install-double:v1.30.14');
    const env = byKind('ConfigMap').find((o) => o.metadata.name === `${recipe.namePrefix}manager-env`) as unknown as { data: Record<string, string> };
    const preinstall = Object.entries(overlay.nodeLabels).find(([key]) => key !== 'katacontainers.io/kata-runtime')!;
    expect(env.data.PREINSTALL_DONE_LABEL).toBe(`${preinstall[0]}=${preinstall[1]}`);
    if (recipe.readiness.installed.by === 'daemon-pods') {
      expect(env.data.DAEMONS!.split(' ')).toEqual(expect.arrayContaining(recipe.readiness.installed.pods));
    }

    const sample = (await runCommand([kubectl, 'kustomize', double.kustomization(overlay.kustomization)])).stdout;
    const [ccRuntime] = parseAllDocuments(sample).map((doc) => doc.toJS() as {
      kind: string; metadata: { name: string };
      spec: { config: { runtimeClasses: Array<{ name: string }>; defaultRuntimeClassName?: string; installDoneLabel: Record<string, string> } };
    });
    expect(ccRuntime?.kind).toBe('CcRuntime');
    expect(ccRuntime?.metadata.name).toBe(overlay.ccRuntime);
    const classes = ccRuntime!.spec.config.runtimeClasses.map((c) => c.name);
    const withDefault = overlay.defaultRuntimeClassHandler ? [...classes, 'kata'] : classes;
    expect(withDefault.sort()).toEqual([...overlay.runtimeClasses].sort());
    expect(ccRuntime!.spec.config.defaultRuntimeClassName).toBe(overlay.defaultRuntimeClassHandler);
    expect(Object.entries(ccRuntime!.spec.config.installDoneLabel)).toEqual(
      Object.entries(overlay.nodeLabels).filter(([key]) => key === 'katacontainers.io/kata-runtime'));
  });
}

test('the operator double controller is valid POSIX shell for busybox', async () => {
  const script = sourcePath('lib/install-doubles/operator/config/manager/controller.sh');
  const check = await runCommand(['/bin/busybox', 'sh', '-n', script], { nothrow: true });
  expect(check.exitCode, check.stderr).toBe(0);
});
