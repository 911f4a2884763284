/** The label on every object the harness creates in a cluster it did not create (test namespaces, the KBS
 *  namespace): teardown of an existing cluster deletes exactly what carries it, and nothing else. */
export const HARNESS_LABEL_KEY = 'app.kubernetes.io/managed-by';
export const HARNESS_LABEL_VALUE = 'coco-conformance';
export const HARNESS_LABEL_SELECTOR = `${HARNESS_LABEL_KEY}=${HARNESS_LABEL_VALUE}`;
