import { conformance, expect, test } from '../fixtures/conformance-test.ts';
import { hostEmptyDirPath } from '../lib/manifests/index.ts';

// kata 3.28.0 k8s-trusted-ephemeral-data-storage.bats: a CoCo pod's emptyDir is a LUKS device in the guest (detached
// header, aes-xts-plain, hmac(sha256) integrity), and data written there reads back. The pod reports df, cryptsetup
// status and the data itself (no exec). The host's view of the volume is the harness's own check: the kubelet's
// emptyDir folder on the node — where kata's shim keeps the guest's disk image (guestProtection.trustedStorage.workload
// .hostDiskImage) — must not hold the data. On runc the emptyDir is that folder: both tests fail there.

test(...conformance('trusted-storage/luks-emptydir', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod writes to its emptyDir and reports the device');
  const statusLines = log.split('\n').filter((line) => line.startsWith('cryptsetup: ')).map((line) => line.slice('cryptsetup: '.length));
  const status = statusLines.join('\n');
  await test.step('assert: the emptyDir is a dm-crypt device, active and in use', () => {
    const emptyDir = log.split('\n').find((line) => line.startsWith('emptydir: ')) ?? '(no df line)';
    for (const line of c.profile.guestProtection.trustedStorage.workload.cryptsetupStatus) {
      if (!new RegExp(line).test(status)) {
        throw new Error(`cryptsetup status of the emptyDir's device must show /${line}/; ${emptyDir}; it showed: ${JSON.stringify(status || '(nothing)')}`);
      }
    }
  });
  await test.step('assert: the data written reads back', () => {
    expect(log, 'the pod must read back what it wrote to the emptyDir').toContain(`read back: ${c.plan.expect.data}`);
  });
}));

test(...conformance('trusted-storage/host-sees-no-data', async (c) => {
  await c.setup();
  const log = await c.readyThenLog('act: the pod writes to its emptyDir');
  expect(log, 'the pod must have written its data').toContain(`read back: ${c.plan.expect.data}`);
  const uid = (await c.cluster.pod(c.namespace, c.plan.pod)).metadata?.uid ?? '';
  const dir = hostEmptyDirPath(uid, c.plan.expect.volume);
  const diskImage = c.plan.expect.hostDiskImage ?? '';
  const found = await test.step("act: search the host's view of the volume", async () => {
    // Every file, the block-encrypted emptyDir's backing disk image too (kata's shim creates it in this folder, as
    // large as the kubelet's filesystem but sparse: GNU grep skips the holes). A missing folder is nothing readable.
    const result = await c.nodeShell.run(['sh', '-c',
      'test -d "$1" || { echo "no such folder"; exit 0; }; test -f "$1/$3" && echo "disk image: $1/$3"; ' +
      'find "$1" -type f -exec grep -l -F -e "$2" {} +; exit 0',
      'sh', dir, c.plan.expect.data ?? '', diskImage]);
    if (result.exitCode !== 0) throw new Error(`failed to search ${dir} on the node: ${result.stderr.trim()}`);
    return result.stdout.trim();
  });
  await test.step("assert: the host's view of the volume holds none of the data", () => {
    const lines = found === 'no such folder' ? [] : found.split('\n').filter(Boolean);
    const files = lines.filter((line) => !line.startsWith('disk image: '));
    test.info().annotations.push({ type: 'host-view', description: found === 'no such folder' ? `${dir}: no such folder on the node`
      : `${dir}: searched; ${lines.some((line) => line.startsWith('disk image: ')) ? `${diskImage} there (the guest's block device)` : `no ${diskImage}`}` });
    if (files.length) throw new Error(`the host's view of the volume holds the data the pod wrote: ${files.join(', ')}`);
  });
}));
