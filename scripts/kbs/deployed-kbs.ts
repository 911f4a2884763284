import type { KbsEndpoint } from '../../fixtures/suite-environment.ts';

/** A KBS the suites can use: deployed by the harness (and so removed by it) or given from outside. */
export interface DeployedKbs {
  endpoint: KbsEndpoint;
  deployedByHarness: boolean;
  image?: string;
  /** The kustomization applied, for teardown. */
  kustomization?: string;
  /** Manifests applied outside the kustomization (s390x's PersistentVolume), removed after it. */
  manifests?: string[];
  kubeconfig?: string;
  context?: string;
}
