/** Named limits of the provisioning steps, so an error can say which one ran out. */
export const PROVISION_TIMEOUTS = {
  /** Every node Ready after the control plane came up (kind/k3s pull nothing from outside once images are local). */
  nodesReadySeconds: 300,
} as const;

export const DEFAULT_CLUSTER_NAME = 'coco-conformance';
