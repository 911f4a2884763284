import { TEST_CATALOG } from '../../matrix/test-catalog.ts';
import type { ReleaseProfile } from '../../matrix/release-profile.ts';

/** What each conformance test must do on control (the kubeadm and the kind control runs), written here rather than
 *  derived by the harness (the harness's own derivation is what these runs check). On runc the release claims
 *  nothing: a negative test passes, a non-discriminating one passes, a positive one fails — and it must fail in the
 *  step and for the reason below (what runc really does: no guest, no confidential-data-hub, no kata sandbox), never
 *  "somehow". */
export type ControlVerdict =
  | { outcome: 'passed'; nonDiscriminating?: true }
  | { outcome: 'skipped'; reason: RegExp }
  | { outcome: 'expected-failure'; step: string; error: RegExp };
export function controlVerdicts(profile: ReleaseProfile): Record<string, ControlVerdict> {
  return {
    'attestation/resource-released-allow-all':
      { outcome: 'expected-failure', step: 'assert: the log holds the resource value', error: /should return the KBS resource/ },
    'attestation/resource-withheld-deny-all': { outcome: 'passed' },
    'encrypted-image/no-key-fails': { outcome: 'passed' },
    // containerd on runc has no key and no stream processor for the encrypted layer: the pull fails at once, and the
    // error names the encrypted media type, not "Back-off pulling image".
    'encrypted-image/right-key-runs': { outcome: 'expected-failure', step: 'assert: the pod decrypts its image and becomes Ready',
      error: /its image cannot be pulled; .*reason (ErrImagePull|ImagePullBackOff): .*(encrypted|decrypt)/i },
    'encrypted-image/wrong-key-fails': { outcome: 'passed' },
    'encrypted-image/wrong-length-key-fails': { outcome: 'passed' },
    'authenticated-registry/right-credentials-run': { outcome: 'passed', nonDiscriminating: true },
    'authenticated-registry/wrong-credentials-fail': { outcome: 'passed' },
    'authenticated-registry/no-credentials-fail': { outcome: 'passed' },
    'authenticated-registry/credentials-exposed-to-host': { outcome: 'passed' },
    'sealed-secret/unsealed-with-resource':
      { outcome: 'expected-failure', step: 'assert: the guest unsealed the secret', error: /PROTECTED_SECRET = / },
    'sealed-secret/stays-sealed-without-resource': { outcome: 'passed' },
    'guest-pull/not-unpacked-on-host': { outcome: 'expected-failure', step: 'assert: a kata sandbox with at most the pause rootfs',
      error: /must exist \(the pod must run in a kata sandbox\)/ },
    'guest-pull/init-container-shared-volume': { outcome: 'passed', nonDiscriminating: true },
    // Every TEE platform's probe runs on runc and finds nothing.
    'tee-evidence/guest-is-tee': { outcome: 'expected-failure', step: 'assert: the guest shows its TEE evidence',
      error: /Confidential compute is expected but not enabled/ },
    // Nothing verifies signatures on runc: the unsigned image simply runs.
    'signed-images/unsigned-image-rejected': { outcome: 'expected-failure', step: 'act: the image policy rejects the unsigned image',
      error: /is Ready; expected it to fail/ },
    // Needs an input this machine cannot make (no cosign here): it must skip and say what is missing.
    'signed-images/signed-image-runs': { outcome: 'skipped', reason: /COCO_SIGNED_IMAGE/ },
    'signed-images/wrong-key-rejected': { outcome: 'skipped', reason: /COCO_SIGNED_IMAGE/ },
    // A policy that accepts the image, or no policy at all: it runs everywhere.
    'signed-images/unsigned-accept-anything-runs': { outcome: 'passed', nonDiscriminating: true },
    'signed-images/no-policy-runs': { outcome: 'passed', nonDiscriminating: true },
    // The mounted sealed secret is a plain file holding the sealed text on runc.
    'sealed-secret/unsealed-as-file': { outcome: 'expected-failure', step: 'assert: the guest unsealed the secret file',
      error: /must hold the unsealed value from the mounted secret file/ },
    // What the control is not: no GPU.
    'attestation/gpu-attested': { outcome: 'skipped', reason: /no confidential GPU/ },
    // The KBS double of the release's trustee deletes where that trustee does (kbs.resourceDelete, trustee v0.20.0+):
    // the deleted resource is gone for a runc pod as for everyone.
    'attestation/deleted-resource-gone': profile.kbs.resourceDelete
      ? { outcome: 'passed' } : { outcome: 'skipped', reason: /no resource DELETE/ },
    // init-data (CoCo v0.14+): on runc nothing reads it and nothing verifies the image, so the image the policy in KBS
    // rejects simply runs; its absence cannot fail without a guest.
    'init-data/kbs-from-init-data': profile.guestComponents.initData
      ? { outcome: 'expected-failure', step: 'act: the image policy from KBS rejects the image', error: /is Ready; expected it to fail/ }
      : { outcome: 'skipped', reason: /has no init-data/ },
    'init-data/no-kbs-without-init-data': { outcome: 'skipped', reason: profile.guestComponents.initData ? /runs no kata guest/ : /has no init-data/ },
    // The guest's protections. Nothing refuses an exec on runc: the pod under kata's allow-all-except-exec policy runs it.
    'agent-policy/exec-refused': { outcome: 'expected-failure', step: 'act: the agent policy refuses the exec', error: /exec was not refused/ },
    // Generated policies need genpolicy, which no registry serves (kata's tools): a release whose CoCo CI generates
    // none skips by its profile, a later one by the runner's missing genpolicy.
    ...Object.fromEntries(TEST_CATALOG.filter((t) => t.requires?.includes('genpolicy')).map((t) =>
      [t.id, { outcome: 'skipped', reason: profile.guestProtection.agentPolicy.genpolicy ? /no genpolicy on this runner/ : /generates no agent policy/ } as const])),
    // runc's emptyDir is a folder of the host: no dm-crypt device, and the data is there in plain text.
    'trusted-storage/luks-emptydir': { outcome: 'expected-failure', step: 'assert: the emptyDir is a dm-crypt device, active and in use',
      error: /cryptsetup status .*must show/ },
    'trusted-storage/host-sees-no-data': { outcome: 'expected-failure', step: "assert: the host's view of the volume holds none of the data",
      error: /holds the data the pod wrote/ },
    // runc hands the container the loop device the node setup made: nothing formats it, its first 64 KiB stay zeros.
    'trusted-image-storage/image-store-encrypted': { outcome: 'expected-failure', step: 'assert: the guest encrypted the block device the host sees',
      error: /shows no sign of the guest's encryption: its first 64 KiB are zeros/ },
    // The wrong root hash goes to a kata guest's kernel or the kata shim's configuration: runc has neither.
    'measured-rootfs/wrong-root-hash-refused': { outcome: 'skipped', reason: /runs no kata guest/ },
  };
}
