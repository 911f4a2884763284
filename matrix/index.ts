/** The public API of matrix/: what to test. Other folders import from here, never from the files behind it. */
export * from './vocabulary.ts';
export type * from './release-profile.ts';
export type * from './cell.ts';
export type * from './expected-outcome.ts';
export { TEST_CATALOG, catalogTest, type CatalogTest, type FailureSignature } from './test-catalog.ts';
export { InputError, EXIT_BAD_INPUT } from './input-error.ts';
export { YamlSource } from './yaml-source.ts';

export {
  loadReleaseProfile, loadRelease, releaseProfileFile, DEFAULT_RELEASES_DIR, encodedReleases, encodedPlatformIds, compareReleases,
} from './load-release-profile.ts';
export { loadRunnerMatrix, loadRunnerMatrixWithProfiles, type LoadedRunnerMatrix } from './load-runner-matrix.ts';
export { RELEASE_KEYWORDS, releaseTag, type ReleaseKeyword } from './release-keywords.ts';
export { expandCells, type CellFilter } from './expand-cells.ts';
export { cellId, clusterLabel } from './cell-id.ts';
export { DEFAULT_RUNTIME_VARIANT, platformLabel, profileForCell, variantPlatformSpec } from './runtime-variant.ts';
export { expectedOutcome } from './derive-expected-outcome.ts';
export { kataHypervisorOf, selectsHandler, selectsHypervisor } from './kata-hypervisor.ts';
export { paramsBakedIntoImage, podKernelParams, type PodKernelParams } from './secure-image.ts';
export { planCells, planCellTests, DEFAULT_MATRIX_FILE, type PlannedCell, type PlannedTest } from './plan-cells.ts';
export { guestPullVoidedBy, pullModeRuntimeSetup, runtimeClassPull, usesRuntimeHandlerAnnotation, type RuntimeClassPull } from './pull-mode.ts';
export { helmValues, kataDeployValuesPath, mergeValues } from './helm-values.ts';
export { diffReleaseProfiles, type ReleaseDiff, type Change as ReleaseChange } from './diff-release.ts';
export { helmChartSource, describeHelmChart, type HelmChartSource } from './helm-chart-source.ts';
export { deriveCandidateProfile, releaseLabel, type CandidateInput } from './candidate-release.ts';
export { loadUpstreamCiTable, upstreamCiTableFor, UPSTREAM_CI_DIR, type UpstreamCiTable } from './upstream-ci-table.ts';
