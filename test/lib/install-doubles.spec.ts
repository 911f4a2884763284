import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parseAllDocuments, stringify } from 'yaml';
import { CHART_DOUBLE_SOURCE, ensureHelm, packageChartDouble, writeOperatorDouble } from '../../lib/install-doubles/index.ts';
import { encodedReleases, loadRelease } from '../../matrix/index.ts';
import type { HelmInstall, OperatorInstall } from '../../matrix/release-profile.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { CONTROL_OPERATOR_OVERLAY } from '../../harness/install/index.ts';
import { chartRuntimeClasses, helmValues } from '../../harness/install/helm-install.ts';
import { kubectlForKustomize } from '../pipeline/support/kustomize-binary.ts';
import { scratchDirectory } from './scratch-directory.ts';

/** The install doubles, checked by real helm (built from the Go module proxy, scripts/setup/build-helm.sh) and the
 *  kustomize inside the offline bundle's kubectl — the same tools the control run installs them with — without a
 *  cluster. What the doubles must show is the release profile's, never this file's. */
const scratch = scratchDirectory('install-doubles');
const releases = encodedReleases().map((release) => loadRelease(release));
const helmReleases = releases.filter((p) => p.install.method === 'helm');
const operatorReleases = releases.filter((p) => p.install.method === 'operator');

test.describe.configure({ timeout: 20 * 60_000 });

let helm: string;
test.beforeAll(async () => {
  helm = await ensureHelm();
});

async function render(chart: string, values: Record<string, unknown>): Promise<string> {
  const file = join(scratch(), `values-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(values));
  return (await runCommand([helm, 'template', 'coco', chart, '--namespace', 'coco-system', '--values', file])).stdout;
}

test('helm lint passes on the chart double', async () => {
  const lint = await runCommand([helm, 'lint', CHART_DOUBLE_SOURCE], { nothrow: true });
  expect(lint.exitCode, lint.stdout + lint.stderr).toBe(0);
});

for (const profile of helmReleases) {
  test(`${profile.release}: the chart double, packaged as the release's chart, makes the profile's runtime classes per arch and the kata-deploy DaemonSet under the alias`, async () => {
    const recipe = profile.install as HelmInstall;
    const chart = await packageChartDouble(helm, join(scratch(), profile.release), recipe.version!, profile.components.kata.version);
    const shown = (await runCommand([helm, 'show', 'chart', chart])).stdout;
    expect(shown).toMatch(new RegExp(`^version: ${recipe.version!.replace(/\./g, '\\.')}$`, 'm'));
    expect(shown).toContain('alias: kata-as-coco-runtime');
    for (const [arch, expected] of Object.entries(recipe.runtimeClasses)) {
      const manifest = await render(chart, helmValues(recipe, arch as 'x86_64'));
      expect(chartRuntimeClasses(manifest), `${arch}: every class the profile expects`).toEqual(expect.arrayContaining(expected));
      const objects = parseAllDocuments(manifest).map((doc) => doc.toJS() as { kind: string; metadata: { name: string; namespace?: string } });
      expect(objects.filter((o) => o.kind === 'DaemonSet').map((o) => `${o.metadata.namespace}/${o.metadata.name}`))
        .toEqual([`${recipe.namespace}/kata-as-coco-runtime`]);
      expect(manifest).toContain('kubectl label node "${NODE_NAME}" katacontainers.io/kata-runtime=true --overwrite');
    }
  });
}

test('a misspelt values key: helm takes it silently, as the real chart (no values.schema.json), and the class it was to enable is missing by name', async () => {
  const profile = helmReleases.at(-1)!;
  const recipe = profile.install as HelmInstall;
  const values = helmValues(recipe, 'x86_64') as { 'kata-as-coco-runtime': { shims: Record<string, Record<string, unknown>> } };
  const shims = values['kata-as-coco-runtime'].shims;
  expect(shims.disableAll, `${profile.release} enables its shims one by one under disableAll`).toBe(true);
  const { enabled, ...rest } = shims['qemu-snp']!;
  shims['qemu-snp'] = { ...rest, enabeld: enabled };
  const manifest = await render(CHART_DOUBLE_SOURCE, values);
  const made = chartRuntimeClasses(manifest);
  expect(made).not.toContain('kata-qemu-snp');
  expect(recipe.runtimeClasses.x86_64!.filter((name) => !made.includes(name))).toEqual(['kata-qemu-snp']);
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
  const script = join(CHART_DOUBLE_SOURCE, '..', '..', 'operator', 'config', 'manager', 'controller.sh');
  const check = await runCommand(['/bin/busybox', 'sh', '-n', script], { nothrow: true });
  expect(check.exitCode, check.stderr).toBe(0);
});
