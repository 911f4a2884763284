import { ARCHES, CLUSTER_DISTROS, CONTAINER_RUNTIMES, FEATURES, PLATFORM_ID, PULL_MODES } from '../vocabulary.ts';
import { RELEASE_KEYWORDS } from '../release-keywords.ts';
import { RELEASE_TAG } from './release-profile-schema.ts';
import { bool, list, literal, obj, oneOf, opt, req, str } from './schema-node.ts';

/** The shape of a runner matrix (matrix/nightly.yaml, matrix/local.yaml) — matrix/cell.ts's RunnerMatrix without
 *  `file`, which the loader adds. Cross-field rules (distro needs a Kubernetes version, releases exist, unique
 *  runner names and cell ids) live in check-runner-matrix.ts. */

const cluster = obj({
  distro: req(oneOf(CLUSTER_DISTROS, 'cluster distro')),
  kubernetes: opt(str({ pattern: /^\d+\.\d+(\.\d+)?$/, patternHint: 'a Kubernetes version like "1.30" or "1.30.2"' })),
  source: opt(oneOf(['packages', 'bundle'], 'cluster binary source')),
  kubeconfig: opt(str()),
  context: opt(str()),
  os: opt(str()),
});

/** A release tag, or a keyword resolved against the encoded profiles when the matrix loads (release-keywords.ts). */
const RELEASE_OR_KEYWORD = {
  pattern: new RegExp(`^(${RELEASE_TAG.pattern.source.slice(1, -1)}|${RELEASE_KEYWORDS.join('|')})$`),
  patternHint: `a release tag like "v0.21.0", or ${RELEASE_KEYWORDS.join(' or ')}`,
};

const run = obj({
  releases: req(list(str(RELEASE_OR_KEYWORD), { minItems: 1, unique: true })),
  cluster: req(cluster),
  containerRuntime: req(oneOf(CONTAINER_RUNTIMES, 'container runtime')),
  pullModes: req(list(oneOf(PULL_MODES, 'pull mode'), { minItems: 1, unique: true })),
  // `default` (the platform's own runtime class) or a variant the releases define (platforms.<p>.runtimeVariants).
  runtimeVariants: opt(list(str({ pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'a runtime variant like "runtime-rs", or "default"' }), { minItems: 1, unique: true })),
  suites: opt(list(oneOf(FEATURES, 'feature'), { minItems: 1, unique: true })),
  required: opt(bool()),
});

const runner = obj({
  name: req(str({ pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'a kebab-case runner name like "tdx-kubeadm-01"' })),
  platform: req(str(PLATFORM_ID)),
  arch: req(oneOf(ARCHES, 'architecture')),
  description: opt(str()),
  runs: req(list(run, { minItems: 1 })),
});

export const RUNNER_MATRIX_SCHEMA = obj({
  schemaVersion: req(literal(1)),
  name: req(str()),
  runners: req(list(runner, { minItems: 1 })),
});
