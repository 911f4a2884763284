import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcePath } from '../../matrix/source-root.ts';
import { stringify } from 'yaml';
import type { CcRuntimeOverlay, OperatorInstall } from '../../matrix/release-profile.ts';

const OPERATOR_SOURCE = sourcePath('lib/install-doubles/operator');
/** Where the profiles' kustomize targets live: github.com/confidential-containers/operator/<path>?ref=<tag>. */
const OPERATOR_REPOSITORY = 'github.com/confidential-containers/operator/';

export const OPERATOR_DOUBLE_DESCRIPTION =
  'install: TEST DOUBLE of the CoCo operator (lib/install-doubles/operator) — config/release and ' +
  'config/samples/ccruntime/<overlay> in the operator\'s kustomize layout, the CcRuntime CRD, a shell-and-kubectl ' +
  'controller that labels the node, creates the runtime classes, sets the CcRuntime status and undoes it on delete; ' +
  'installs no Kata Containers';

export interface OperatorDouble {
  /** The folder that stands for the operator repository at the release's tag. */
  root: string;
  /** A profile's kustomize target (…/operator/config/release?ref=v0.9.0) → the same path in the double. */
  kustomization(target: string): string;
}

export interface OperatorDoubleInput {
  /** Folder to write the double into (replaced). */
  dir: string;
  release: string;
  recipe: OperatorInstall;
  /** The overlay the control run applies. */
  overlayName: string;
  /** The controller's image, pushed where the node pulls from: repository and tag. */
  image: { repository: string; tag: string };
  /** Where the controller reaches the API server, when not through the kubernetes Service (no kube-proxy). */
  apiServer?: ApiServerAddress;
}

export interface ApiServerAddress {
  host: string;
  port: string;
}

/** The operator double for one release: the static tree (lib/install-doubles/operator/config) with what differs
 *  per release written from the profile: the controller image (config/release), the pre-install label and the
 *  daemon sets the controller runs (config/manager/controller.env), the overlay's runtime classes and default
 *  class (config/samples/ccruntime/<overlay>). */
export function writeOperatorDouble(input: OperatorDoubleInput): OperatorDouble {
  const { dir, recipe, overlayName } = input;
  const overlay = recipe.overlays[overlayName];
  if (!overlay) throw new Error(`failed to write the operator double for ${input.release}: the profile has no overlay ${overlayName}`);
  const root = join(dir, `operator-${input.release}`);
  rmSync(root, { recursive: true, force: true });
  cpSync(OPERATOR_SOURCE, root, { recursive: true });
  const config = join(root, 'config');
  writeFileSync(join(config, 'release', 'kustomization.yaml'), stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['../default'],
    // The real file pins quay.io/confidential-containers/operator to the release's tag; the double's image is ours.
    images: [{ name: 'quay.io/confidential-containers/operator', newName: input.image.repository, newTag: input.image.tag }],
  }));
  writeFileSync(join(config, 'manager', 'controller.env'), controllerEnv(recipe, overlay, input.apiServer));
  const overlayDir = join(root, relativeTarget(overlay.kustomization));
  mkdirSync(overlayDir, { recursive: true });
  writeFileSync(join(overlayDir, 'kustomization.yaml'), overlayKustomization(overlay));
  return { root, kustomization: (target) => join(root, relativeTarget(target)) };
}

/** github.com/confidential-containers/operator/config/release?ref=v0.9.0 → config/release */
export function relativeTarget(target: string): string {
  if (!target.startsWith(OPERATOR_REPOSITORY)) {
    throw new Error(`the operator double stands only for ${OPERATOR_REPOSITORY}…, not ${target}`);
  }
  return target.slice(OPERATOR_REPOSITORY.length).replace(/\?.*$/, '');
}

/** The API server a kubeconfig names (https://198.18.0.1:6443 → host and port). */
export function apiServerOf(kubeconfig: string): ApiServerAddress | undefined {
  const server = kubeconfig.match(/^\s*server:\s*(\S+)\s*$/m)?.[1];
  if (!server) return undefined;
  const url = new URL(server);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || '443' };
}

/** The overlay's labels but its install done label (the base CcRuntime's installDoneLabel, set from spec): the
 *  pre-install done label of the release's operator (controllers/common.go). The daemon sets: those the profile
 *  waits for, at install (up to v0.11) or at uninstall. */
function controllerEnv(recipe: OperatorInstall, overlay: CcRuntimeOverlay, apiServer?: ApiServerAddress): string {
  const preinstall = Object.entries(overlay.nodeLabels).filter(([key]) => key !== 'katacontainers.io/kata-runtime');
  const daemons = new Set<string>(recipe.readiness.installed.by === 'daemon-pods' ? recipe.readiness.installed.pods : []);
  for (const step of recipe.uninstall) if (step.action === 'wait-pods-gone') step.pods.forEach((pod) => daemons.add(pod));
  return [
    '# Written per release from its profile (lib/install-doubles/operator-double.ts).',
    `PREINSTALL_DONE_LABEL=${preinstall.map(([key, value]) => `${key}=${value}`).join(' ')}`,
    `DAEMONS=${[...daemons].join(' ')}`,
    // The kubelet adds the kubernetes Service's variables only where the pod does not set them.
    ...(apiServer ? [`KUBERNETES_SERVICE_HOST=${apiServer.host}`, `KUBERNETES_SERVICE_PORT=${apiServer.port}`] : []),
    '',
  ].join('\n');
}

/** The overlay as the operator's samples write it: `-sample` on the base CcRuntime, its runtime classes (all but
 *  `kata`, which kata-deploy makes as the alias of the default class) and the default class. */
function overlayKustomization(overlay: CcRuntimeOverlay): string {
  const classes = overlay.runtimeClasses.filter((name) => name !== 'kata').map((name) => ({
    name,
    snapshotter: overlay.runtimeClassConfig?.[name]?.snapshotter ?? overlay.snapshotter ?? '',
    pulltype: overlay.runtimeClassConfig?.[name]?.pullType ?? '',
  }));
  const operations: unknown[] = [{ op: 'replace', path: '/spec/config/runtimeClasses', value: classes }];
  if (overlay.defaultRuntimeClassHandler) {
    operations.push({ op: 'add', path: '/spec/config/defaultRuntimeClassName', value: overlay.defaultRuntimeClassHandler });
  }
  const suffix = overlay.ccRuntime.replace(/^ccruntime/, '');
  return stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(suffix ? { nameSuffix: suffix } : {}),
    resources: ['../base'],
    patches: [{ patch: stringify(operations), target: { kind: 'CcRuntime' } }],
  });
}
