/** Where a release cannot be pulled (the control platform: no container registry, no GitHub), the harness's real
 *  install code runs against test doubles of the release's chart or operator (lib/install-doubles), served
 *  from this machine. This is what the install step uses in place of the profile's sources; everything else —
 *  the helm and kubectl commands, values, readiness, stabilisation, uninstall and its verification — is the
 *  release's own. */
export interface InstallDoubles {
  /** Named in the record and report (testDoubles). */
  descriptions: string[];
  /** helm: the double's chart reference, extra arguments to reach it (--plain-http) and values over the profile's
   *  (the double's image). */
  chart?: { reference: string; args: string[]; values: Record<string, unknown> };
  /** operator: a profile kustomize target → the double's folder standing for it. */
  kustomization?(target: string): string;
}
