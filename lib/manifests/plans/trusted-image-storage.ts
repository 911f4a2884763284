import { paramsBakedIntoImage, type TrustedImageStorageFacts } from '../../../matrix/index.ts';
import { confidentialPod } from '../confidential-pod.ts';
import type { KubeManifest, PersistentVolumeClaimManifest, PersistentVolumeManifest, StorageClassManifest } from '../kube-object.ts';
import { testObjectLabels, type ManifestContext } from '../render-context.ts';
import type { NodeSteps, TestPlan } from '../test-plan.ts';
import { plan, shellImage, shQuote } from './plan-helpers.ts';

/** What stands in the PersistentVolume's local path until the node setup has created the loop device. */
export const LOOP_DEVICE_PLACEHOLDER = '<loop device the node setup creates, at run time>';

/** What stands for the node's name when the plan does not know it (the dry run without --node). */
const NODE_NAME_PLACEHOLDER = '<the tested node>';

/** Text in every busybox binary (its usage text), so in the test image's unpacked /bin/busybox: the self-built image
 *  (Debian's busybox-static) and upstream's quay.io/prometheus/busybox alike. Found in plain text on the host's device,
 *  it means the guest's image store is not encrypted. */
export const IMAGE_PLAINTEXT_NEEDLE = 'BusyBox is a multi-call binary';

/** The loop file on the node: upstream's /tmp/trusted-image-storage.img, made unique so runs cannot collide. */
export function loopFilePath(unique: string): string {
  return `/tmp/coco-conformance-${unique}-trusted-image-storage.img`;
}

/** kata 3.9.0 k8s-guest-pull-image.bats "Test we can pull an image inside the guest using trusted storage" (CoCo 0.10
 *  "Trusted image storage on guest"; 0.19 "Ephemeral Image Storage Support"): a loop device on the node becomes a
 *  local Block PersistentVolume, and the pod's container gets it at /dev/trusted_store — the path that makes the kata
 *  agent have the confidential-data-hub LUKS-format it and mount it as the guest's image store, where the image is
 *  then pulled. Upstream proves it with an image too large for guest memory; the harness looks at what the host
 *  keeps: the device's bytes on the node must show the guest's encryption (facts.luksHeader) and none of the image in
 *  plain text. */
export function trustedImageStoragePlan(testId: string, ctx: ManifestContext): TestPlan {
  const facts: TrustedImageStorageFacts = ctx.profile.guestProtection.trustedStorage.image;
  const node = ctx.nodeName ?? NODE_NAME_PLACEHOLDER;
  // IBM SE takes its kernel command line from the secure image: a kernel_params annotation cannot ask for integrity
  // there, so what the guest formats then depends on the image (INFERRED: the agent's default), and is not checked.
  const baked = paramsBakedIntoImage(ctx.profile, ctx.platform) && facts.annotations !== undefined;
  const annotations = baked ? undefined : facts.annotations;
  const integrity = baked ? undefined : facts.integrity;
  const labels = testObjectLabels(ctx);
  // Cluster-scoped, so named per test: upstream's fixed local-storage / trusted-block-pv would collide between runs.
  const storageClass: StorageClassManifest = {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: `coco-${ctx.unique}-local-storage`, labels },
    provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer',
  };
  const volume: PersistentVolumeManifest = {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name: `coco-${ctx.unique}-trusted-block-pv`, labels },
    spec: {
      capacity: { storage: facts.pvCapacity }, volumeMode: 'Block', accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain', storageClassName: storageClass.metadata.name,
      local: { path: LOOP_DEVICE_PLACEHOLDER },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
  const claim: PersistentVolumeClaimManifest = {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name: 'trusted-pvc', namespace: ctx.namespace, labels },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: facts.pvcRequest } }, volumeMode: 'Block', storageClassName: storageClass.metadata.name },
  };
  const pod = confidentialPod(ctx, {
    name: 'large-image-pod',
    containers: [{
      name: 'app-container', image: shellImage(ctx), command: ['/bin/sh', '-c', 'sleep 6000'],
      volumeDevices: [{ name: 'trusted-storage', devicePath: facts.devicePath }],
    }],
    volumes: [{ name: 'trusted-storage', persistentVolumeClaim: { claimName: claim.metadata.name } }],
    ...(annotations ? { extraAnnotations: annotations } : {}),
  });
  // A claim bound WaitForFirstConsumer is bound by the scheduler, which a pod with spec.nodeName bypasses (the claim
  // would stay Pending): the pod goes to the node by its hostname label, as upstream's pod YAML's nodeAffinity does.
  const { nodeName: _bypassesScheduler, ...placed } = pod.spec;
  pod.spec = { ...placed, nodeSelector: { ...placed.nodeSelector, 'kubernetes.io/hostname': node } };
  const file = loopFilePath(ctx.unique);
  const manifests: KubeManifest[] = [storageClass, volume, claim, pod];
  return plan(testId, pod.metadata.name, {
    manifests,
    node: loopDeviceSteps(file, facts.loopFileMegabytes),
    expect: {
      loopFile: file,
      devicePath: facts.devicePath,
      guestMountPoint: facts.guestMountPoint,
      luksHeader: facts.luksHeader,
      cipher: facts.cipher,
      ...(integrity ? { integrity } : {}),
      plaintextNeedle: IMAGE_PLAINTEXT_NEEDLE,
    },
    notes: [
      `the node setup makes a ${facts.loopFileMegabytes} MiB loop device as upstream's create_loop_device does, but sparse (dd seek, no ${facts.loopFileMegabytes} MiB of zeros written): it reads the same`,
      `upstream pulls a 1.41 GB image to show the guest's memory alone could not hold it; the harness pulls the small shell image and reads the device on the node instead: ${facts.luksHeader === 'on-device'
        ? `a LUKS2 header (magic, cipher ${facts.cipher}${integrity ? `, integrity ${integrity}` : ''}) the guest wrote`
        : 'no LUKS header (it stays in the guest\'s memory) and no plain filesystem, yet bytes the guest wrote'}, and nowhere the text "${IMAGE_PLAINTEXT_NEEDLE}" of the image's busybox`,
      'upstream\'s create_container_timeout annotation (300 s for its 1.41 GB pull) is left out: the small image needs no more than the default',
      ...(baked ? [`no ${Object.keys(facts.annotations!).join(', ')} annotation on ${ctx.platform}: its kernel command line is baked into the secure image, so the integrity the bats asks for is not checked`] : []),
      'StorageClass and PersistentVolume are cluster-scoped: they carry the test\'s unique token and are deleted after the test, with the loop device',
      ...(facts.valuesFrom ? [`values are ${facts.valuesFrom}'s (guestProtection.trustedStorage.image.valuesFrom): release ${ctx.profile.release} claims no trusted image storage`] : []),
    ],
  });
}

/** confidential_common.sh create_loop_device / cleanup_loop_device, as one script each (node shell argv). */
function loopDeviceSteps(file: string, megabytes: number): NodeSteps {
  const devicesOf = `losetup -j ${shQuote(file)} | awk -F'[: ]' '{print $1}'`;
  return {
    why: 'a loop device on the node backs the local Block PersistentVolume the guest gets as /dev/trusted_store',
    setup: ['sh', '-c', [
      'set -e',
      `rm -f ${shQuote(file)}`,
      `dd if=/dev/zero of=${shQuote(file)} bs=1M count=0 seek=${megabytes} 2>/dev/null`,
      `losetup -fP ${shQuote(file)}`,
      devicesOf,
    ].join('; ')],
    placeholder: LOOP_DEVICE_PLACEHOLDER,
    cleanup: ['sh', '-c', `for d in $(${devicesOf}); do losetup -d "$d"; done; rm -f ${shQuote(file)}`],
  };
}
