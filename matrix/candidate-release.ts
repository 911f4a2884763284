import type { Document, Node, YAMLMap } from 'yaml';
import { InputError } from './input-error.ts';
import type { CandidateMark, ReleaseProfile } from './release-profile.ts';
import { YamlSource } from './yaml-source.ts';
import { yamlLibrary } from './yaml-limits.ts';

/** A release before it is tagged: the previous release's profile with the components kata's versions.yaml pins at a
 *  kata ref, installed as upstream CI installs before a tag (the kata-deploy chart from that ref, or a chart
 *  directory, with the kata-deploy CI image), and a list of what a person must review. Turning the candidate into
 *  the release is editing data: work through `candidate.review`, then delete the `candidate:` block. */

/** How plan, report and sign-off name a release: a candidate says so. */
export function releaseLabel(profile: Pick<ReleaseProfile, 'release' | 'candidate'>): string {
  return profile.candidate ? `${profile.release} (candidate)` : profile.release;
}

export interface CandidateInput {
  release: string;
  /** The previous release's profile: its text (comments are kept) and its file name, for messages. */
  previous: { text: string; file: string; profile: ReleaseProfile };
  /** kata's versions.yaml at `kataRef`: its text and where it came from (a file or a URL). */
  versions: { text: string; from: string };
  /** The kata tag or commit the versions.yaml is at. */
  kataRef: string;
  /** The kata version the candidate carries (3.32.0); defaults to kataRef when that is a version. */
  kataVersion?: string;
  /** A chart directory (a checkout of the CoCo charts) instead of kata's kata-deploy chart at kataRef. */
  chartDir?: string;
  /** The kata-deploy image (repository:tag, without the per-arch suffix CI adds). */
  kataDeployImage?: string;
  releaseDate: string;
}

/** The paths of kata's versions.yaml the candidate reads (kata 3.31.0 versions.yaml:292-304, 388-391; kata 4.0.0
 *  :272-289 lists trustee's images as `images: {kbs, as, rvps}` tagged with `version`). */
const VERSIONS = {
  guestComponents: ['externals', 'coco-guest-components', 'version'],
  trustee: ['externals', 'coco-trustee', 'version'],
  trusteeImage: ['externals', 'coco-trustee', 'image'],
  trusteeImageTag: ['externals', 'coco-trustee', 'image_tag'],
  trusteeKbsImage: ['externals', 'coco-trustee', 'images', 'kbs'],
  nydusSnapshotter: ['externals', 'nydus-snapshotter', 'version'],
} as const;

/** kata's own chart and where it lives in kata's repository (gha-run-k8s-common.sh:15 helm_chart_dir). */
const KATA_REPOSITORY = 'https://github.com/kata-containers/kata-containers';
const KATA_DEPLOY_CHART_PATH = 'tools/packaging/kata-deploy/helm-chart/kata-deploy';
/** CI's kata-deploy image before a tag: ci.yaml publishes ghcr.io/<owner>/kata-deploy-ci:<tag>-<arch> (3.31.0
 *  ci.yaml:79-80, :156-157), the nightly's tag being `<commit>-nightly` (ci-nightly.yaml:21-23). */
const KATA_DEPLOY_CI_IMAGE = 'ghcr.io/kata-containers/kata-deploy-ci';
const CI_ARCH_SUFFIX: Record<string, string> = { x86_64: 'amd64', s390x: 's390x', aarch64: 'arm64' };
/** The alias the CoCo chart gives kata-deploy (charts Chart.yaml at c69ccf9e). */
const COCO_CHART_KATA_DEPLOY_KEY = 'kata-as-coco-runtime';

export interface DerivedCandidate {
  text: string;
  candidate: CandidateMark;
}

export function deriveCandidateProfile(input: CandidateInput): DerivedCandidate {
  const versions = YamlSource.parse(input.versions.text, input.versions.from);
  const pin = (path: readonly string[], required = true): { value: string; line?: number } | undefined => {
    let node: unknown = versions.value;
    for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined || node === null || node === '') {
      if (!required) return undefined;
      throw versions.error([...path], `missing: new-release reads ${path.join('.')} from kata's versions.yaml`);
    }
    if (typeof node !== 'string' && typeof node !== 'number') throw versions.error([...path], 'expected a text value');
    return { value: String(node), line: versions.position([...path])?.line };
  };
  const cite = (path: readonly string[], at: { line?: number }) =>
    `${path.join('.')} of kata ${input.kataRef}'s versions.yaml (${input.versions.from}${at.line ? `:${at.line}` : ''})`;

  const kataVersion = input.kataVersion ?? (/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(input.kataRef) ? input.kataRef : undefined);
  if (!kataVersion) {
    throw new InputError('--kata-version', '', `kata ref ${input.kataRef} is not a version; give the version the candidate carries (e.g. 3.32.0-rc0)`);
  }
  const trustee = pin(VERSIONS.trustee)!;
  const imageRepo = pin(VERSIONS.trusteeImage, false);
  const kbsImage = imageRepo
    ? { value: `${imageRepo.value}:${pin(VERSIONS.trusteeImageTag)!.value}`, path: VERSIONS.trusteeImage, line: imageRepo.line }
    : (() => {
        const images = pin(VERSIONS.trusteeKbsImage, false);
        if (!images) throw versions.error([...VERSIONS.trusteeImage], 'missing: neither externals.coco-trustee.image nor .images.kbs');
        return { value: `${images.value}:${trustee.value}`, path: VERSIONS.trusteeKbsImage, line: images.line };
      })();
  const guestComponents = pin(VERSIONS.guestComponents)!;
  const nydus = pin(VERSIONS.nydusSnapshotter, false);

  const { isMap, isScalar, Pair, parseDocument, Scalar } = yamlLibrary();
  const doc = parseDocument(input.previous.text, { keepSourceTokens: false });
  const review: CandidateMark['review'] = [];
  const set = (path: (string | number)[], value: unknown, comment?: string) => {
    // A value that gets a comment leaves a one-line flow map ({ version: … }): a comment cannot sit inside one.
    const parent = doc.getIn(path.slice(0, -1), true);
    if (comment && isMap(parent)) parent.flow = false;
    const existing = doc.getIn(path, true);
    if (isScalar(existing) && (typeof value === 'string' || typeof value === 'number')) existing.value = value;
    else doc.setIn(path, value);
    if (comment) {
      const node = doc.getIn(path, true) as Node | undefined;
      if (node) node.comment = ` ${comment}`;
    }
  };
  const from = input.previous.profile.release;

  // The previous header (kept, after the candidate's) is attached to the first key when a blank line follows the
  // schema line, else to the document.
  const firstKey = isMap(doc.contents) ? (doc.contents.items[0]?.key as Node | undefined) : undefined;
  const previousHeader = [doc.commentBefore, firstKey?.commentBefore].filter(Boolean).join('\n')
    .split('\n').filter((line) => !line.includes('yaml-language-server')).join('\n').replace(/^(\s*\n)+/, '');
  doc.commentBefore = ' yaml-language-server: $schema=../schema/release-profile.schema.json';
  if (firstKey) {
    firstKey.commentBefore = [
      ` CANDIDATE Confidential Containers ${input.release}, written by \`coco-conformance new-release ${input.release} --from ${from}\`:`,
      ` the ${from} profile with the components kata's versions.yaml pins at kata ${input.kataRef} (${input.versions.from}) and`,
      ' the install upstream CI runs before a tag. Comments not marked CANDIDATE are the previous release\'s and name its',
      ` refs. Before this is the release: work through candidate.review at the end, then delete that block.`,
      '',
      previousHeader,
    ].join('\n');
  }

  set(['release'], input.release);
  set(['releaseDate'], input.releaseDate, 'CANDIDATE: the planned date; set the tag date');
  const previousNotes = input.previous.profile.notesUrl;
  set(['notesUrl'], previousNotes.replace(from, input.release), 'CANDIDATE: the notes do not exist yet');
  review.push({ path: 'notesUrl', why: `the release notes of ${input.release} are not written yet; every quoted sentence (claims, limitations, platform notes) is ${from}'s` });

  set(['components', 'kata', 'version'], kataVersion, `CANDIDATE: kata ${input.kataRef}`);
  set(['components', 'trustee', 'ref'], trustee.value, `CANDIDATE: ${cite(VERSIONS.trustee, trustee)}`);
  set(['components', 'trustee', 'image'], kbsImage.value, `CANDIDATE: ${cite(kbsImage.path, kbsImage)}`);
  set(['kbs', 'ref'], trustee.value, `CANDIDATE: ${cite(VERSIONS.trustee, trustee)}`);
  set(['kbs', 'image'], kbsImage.value, `CANDIDATE: ${cite(kbsImage.path, kbsImage)}`);
  set(['components', 'guestComponents', 'version'], guestComponents.value, `CANDIDATE: ${cite(VERSIONS.guestComponents, guestComponents)}`);
  if (nydus) set(['components', 'nydusSnapshotter', 'version'], nydus.value, `CANDIDATE: ${cite(VERSIONS.nydusSnapshotter, nydus)}`);
  if (!imageRepo) {
    review.push({ path: 'kbs', why: `kata ${input.kataRef} versions.yaml lists trustee's images as images.{kbs, as, rvps} for trustee's Helm chart: the kustomize deploy of ${from} may no longer be how CI deploys the KBS` });
  }
  if (trustee.value !== input.previous.profile.kbs.ref) {
    review.push({ path: 'kbs', why: `trustee moved (${input.previous.profile.kbs.ref} → ${trustee.value}): check baseImageName, the deploy directories, protocolVersion, adminAuth, resourceDelete and the policies at trustee ${trustee.value}` });
  }
  if (guestComponents.value !== input.previous.profile.components.guestComponents.version) {
    review.push({ path: 'guestComponents', why: `guest-components is ${guestComponents.value}: check init-data, the sealed-secret encoding and the failure texts against it and kata ${input.kataRef}'s bats` });
  }

  deriveInstall(doc, input, from, review);

  review.push(
    { path: 'claims', why: `copied from ${from}: the claims and their notes quote ${from}'s release notes` },
    { path: 'limitations', why: `copied from ${from}: the limitation texts are ${from}'s release notes` },
    { path: 'testedStacks', why: `copied from ${from}: the stacks ${input.release} is tested on are known only once its runners report` },
    { path: 'guestComponents.failureTexts', why: `copied from ${from}: check each against kata ${input.kataRef}'s bats` },
    { path: 'testImages', why: `copied from ${from}: check against kata ${input.kataRef}'s bats and runtimeclass_workloads` },
    { path: 'platforms.*.runtimeVariants', why: `copied from ${from}: the runtime-rs shims kata-deploy carries at ${input.kataRef} ` +
      `(tools/packaging/kata-deploy/helm-chart/kata-deploy/values.yaml shims.*-runtime-rs) and whether the install enables them` },
    { path: 'install.snapshotters', why: `copied from ${from}: the snapshotters kata-deploy ${input.kataRef} offers (snapshotter.setup) and the install sets up` },
  );
  const candidate: CandidateMark = { from, kataRef: input.kataRef, versionsYaml: input.versions.from, review };
  // The block goes last, after a blank line, with the one line that says how to end the candidacy.
  const key = new Scalar('candidate');
  key.spaceBefore = true;
  key.commentBefore = ' Delete this block to make the candidate the release, once every review item is done.';
  (doc.contents as YAMLMap).items.push(new Pair(key, doc.createNode(candidate)));
  return { text: doc.toString({ lineWidth: 0, flowCollectionPadding: false }), candidate };
}

/** The install upstream CI runs before a tag. A Helm release installs kata's kata-deploy chart from the kata ref
 *  (gha-run-k8s-common.sh:1032 `helm upgrade --install kata-deploy <chart dir> --namespace kube-system`), its shims as
 *  the previous release's CoCo chart enabled them, with the kata-deploy image CI built; or a chart directory given
 *  by hand (the CoCo chart checked out), its values kept, the image set under the kata-deploy alias. An operator
 *  release keeps its install, listed for review. */
function deriveInstall(doc: Document, input: CandidateInput, from: string, review: CandidateMark['review']): void {
  const install = input.previous.profile.install;
  if (install.method !== 'helm') {
    review.push({ path: 'install', why: `${from} installs with the operator; new-release derives only Helm installs, so the install is ${from}'s` });
    return;
  }
  const image = kataDeployImage(input);
  const imageValues = (arch: string) => ({ reference: image.reference, tag: image.perArch ? `${image.tag}-${CI_ARCH_SUFFIX[arch] ?? arch}` : image.tag });
  const arches = Object.keys(install.runtimeClasses).filter((key) => key in CI_ARCH_SUFFIX);
  const previousValues = (install.values ?? {}) as Record<string, unknown>;
  const wrapped = COCO_CHART_KATA_DEPLOY_KEY in previousValues;
  const set = (path: string[], value: unknown, comment?: string) => {
    doc.setIn(path, doc.createNode(value));
    const node = doc.getIn(path, true) as Node;
    if (comment) node.commentBefore = ` ${comment}`;
  };
  if (input.chartDir) {
    set(['install', 'chart'], input.chartDir, 'CANDIDATE: a chart directory given to new-release (--chart)');
    doc.deleteIn(['install', 'version']);
    const at = wrapped ? [COCO_CHART_KATA_DEPLOY_KEY, 'image'] : ['image'];
    set(['install', 'valuesByArch'], Object.fromEntries(arches.map((arch) => [arch, nest(at, imageValues(arch))])),
      `CANDIDATE: the kata-deploy image, per arch (${image.why})`);
    review.push({ path: 'install', why: `the chart is the directory ${input.chartDir}: check its values and runtime classes` });
    return;
  }
  const chart = `git+${KATA_REPOSITORY}@${input.kataRef}#${KATA_DEPLOY_CHART_PATH}`;
  set(['install', 'chart'], chart, `CANDIDATE: kata's kata-deploy chart at kata ${input.kataRef}, as CI installs it (tests/gha-run-k8s-common.sh helm_chart_dir)`);
  doc.deleteIn(['install', 'version']);
  set(['install', 'releaseName'], 'kata-deploy');
  set(['install', 'namespace'], 'kube-system');
  const kataDeployValues = (wrapped ? previousValues[COCO_CHART_KATA_DEPLOY_KEY] : previousValues) as Record<string, unknown>;
  const values = doc.createNode(kataDeployValues ?? {});
  const keep = doc.getIn(['install', 'values'], true);
  const { isMap } = yamlLibrary();
  if (isMap(keep) && isMap(values)) values.commentBefore = keep.commentBefore;
  doc.setIn(['install', 'values'], values);
  (doc.getIn(['install', 'values'], true) as YAMLMap).commentBefore =
    ` CANDIDATE: ${from}'s ${wrapped ? `${COCO_CHART_KATA_DEPLOY_KEY} values, unwrapped for the kata-deploy chart` : 'values'}`;
  set(['install', 'valuesByArch'], Object.fromEntries(arches.map((arch) => [arch, { image: imageValues(arch) }])),
    `CANDIDATE: the kata-deploy image, per arch (${image.why})`);
  // Unwrapped, kata-deploy's debug switch is its own top-level `debug` (kata 3.25.0 values.yaml:23), not the alias's.
  if (wrapped) set(['install', 'debugValue'], install.debugValue.replace(new RegExp(`^${COCO_CHART_KATA_DEPLOY_KEY}\\.`), ''),
    `CANDIDATE: kata-deploy's own debug switch, its values unwrapped`);
  review.push({ path: 'install', why: `installs kata's kata-deploy chart at ${input.kataRef} as CI does; the release installs the CoCo chart (oci://…/confidential-containers): set chart and version once it is published` });
}

function kataDeployImage(input: CandidateInput): { reference: string; tag: string; perArch: boolean; why: string } {
  if (input.kataDeployImage) {
    const at = input.kataDeployImage.lastIndexOf(':');
    if (at <= 0 || input.kataDeployImage.slice(at).includes('/')) {
      throw new InputError('--kata-deploy-image', '', `${input.kataDeployImage}: expected repository:tag`);
    }
    return { reference: input.kataDeployImage.slice(0, at), tag: input.kataDeployImage.slice(at + 1), perArch: true, why: '--kata-deploy-image, CI\'s -<arch> suffix added' };
  }
  if (/^[0-9a-f]{40}$/.test(input.kataRef)) {
    return { reference: KATA_DEPLOY_CI_IMAGE, tag: `${input.kataRef}-nightly`, perArch: true,
      why: 'kata CI nightly: ci-nightly.yaml tag <commit>-nightly, ci.yaml -<arch>' };
  }
  // A tag: kata-deploy's released image, the chart's appVersion (values.yaml image.tag "" → appVersion).
  return { reference: 'quay.io/kata-containers/kata-deploy', tag: input.kataRef, perArch: false, why: `kata-deploy's released image ${input.kataRef}` };
}

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
