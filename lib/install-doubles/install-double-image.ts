import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourcePath } from '../../matrix/source-root.ts';
import { runCommand } from '../exec/run-command.ts';
import type { BuiltImage } from '../images/index.ts';

const MAKE_OCI_IMAGE = sourcePath('scripts/bundle/make-oci-image.sh');
const BUSYBOX = '/bin/busybox';
const MARKER = '/etc/coco-conformance-install-double';

/** The image the install doubles run (the chart double's kata-deploy DaemonSet, the operator double's controller
 *  and daemons): Debian's busybox-static for the shell and the offline bundle's kubectl, which in a pod talks to
 *  the API server with the pod's service account. Built without a container daemon, reused while newer than both
 *  binaries. */
export async function buildInstallDoubleImage(outDir: string, kubectl: string): Promise<BuiltImage> {
  for (const binary of [BUSYBOX, kubectl]) {
    if (!existsSync(binary)) throw new Error(`failed to build the install-double image: ${binary} is missing`);
  }
  const linkage = (await runCommand(['file', '-L', kubectl], { nothrow: true })).stdout;
  if (/dynamically linked/.test(linkage)) {
    throw new Error(`failed to build the install-double image: ${kubectl} is dynamically linked; the image has no libc`);
  }
  const version = (await runCommand([kubectl, 'version', '--client', '-o', 'json'])).stdout.match(/"gitVersion":\s*"([^"]+)"/)?.[1] ?? 'unknown';
  const archive = join(outDir, `install-double-${version}.oci.tar`);
  const image: BuiltImage = {
    reference: `coco-conformance.local/install-double:${version}`,
    archive,
    entrypoint: ['/bin/sh'],
    marker: { path: MARKER, content: `coco-conformance install double (busybox + kubectl ${version})\n` },
  };
  const newest = Math.max(statSync(BUSYBOX).mtimeMs, statSync(kubectl).mtimeMs);
  if (existsSync(archive) && statSync(archive).mtimeMs > newest) return image;
  mkdirSync(outDir, { recursive: true });
  const staging = mkdtempSync(join(outDir, '.install-double-rootfs-'));
  try {
    mkdirSync(join(staging, 'bin'));
    copyFileSync(BUSYBOX, join(staging, 'bin', 'busybox'));
    const applets = (await runCommand([BUSYBOX, '--list'])).stdout.split('\n').filter((a) => a && a !== 'busybox');
    for (const applet of applets) symlinkSync('busybox', join(staging, 'bin', applet));
    copyFileSync(kubectl, join(staging, 'bin', 'kubectl'));
    mkdirSync(join(staging, 'etc'));
    const marker = join(staging, 'etc', 'marker');
    writeFileSync(marker, image.marker.content);
    await runCommand(['bash', MAKE_OCI_IMAGE, archive, image.reference, '/bin/sh', `${join(staging, 'bin')}:/bin`, `${marker}:${MARKER}`]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return image;
}
