/** A location inside a loaded YAML document: map keys and list indexes from the root. */
export type PathSegment = string | number;
export type ObjectPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Renders a path the way messages show it: `claims.attestation.snp.status`, `runners[2].runs[0].cluster.distro`;
 *  keys that are not plain words are quoted: `readiness.nodeLabels["katacontainers.io/kata-runtime"]`. */
export function formatPath(path: ObjectPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Whether a loaded value is a map (a YAML mapping, a JSON object), not a list or a plain value. */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
