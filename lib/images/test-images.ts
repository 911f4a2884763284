import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../exec/run-command.ts';
import { sourcePath } from '../../matrix/source-root.ts';

const MAKE_OCI_IMAGE = sourcePath('scripts/bundle/make-oci-image.sh');
const BUSYBOX = '/bin/busybox'; // Debian's busybox-static: one static binary, every applet

/** An image archive built here, ready for pushImage / `ctr images import`. */
export interface BuiltImage {
  /** the reference stored in the archive (coco-conformance.local/<name>:<tag>) */
  reference: string;
  /** single-layer OCI archive */
  archive: string;
  entrypoint: string[];
  /** a file in the image whose content tests can look for: path → content */
  marker: { path: string; content: string };
}

export interface TestImages {
  /** busybox with every applet linked into /bin; entrypoint /bin/sh, so `args: [-c, …]` or `command: [sh, -c, …]`
   *  both work: print env vars, sleep, wget, write files. */
  busybox: BuiltImage;
}

export const MARKER_PATH = '/etc/coco-conformance-image';

/** Builds the harness's own test images into outDir from Debian's busybox-static, without a container daemon
 *  (scripts/bundle/make-oci-image.sh). Reuses an archive newer than the busybox binary. */
export async function buildTestImages(outDir: string): Promise<TestImages> {
  const version = await busyboxVersion();
  const archive = join(outDir, `busybox-${version}.oci.tar`);
  const image = busyboxImage(`coco-conformance.local/busybox:${version}`, archive, `coco-conformance test image busybox ${version}\n`);
  if (existsSync(archive) && statSync(archive).mtimeMs > statSync(BUSYBOX).mtimeMs) return { busybox: image };
  await writeBusyboxArchive(outDir, image);
  return { busybox: image };
}

/** A busybox image no host has seen: its marker holds `token`, so its layer (and diff ID) is new. An encrypted
 *  test image must be one: containerd resolves snapshots by the uncompressed diff IDs, which encryption does not
 *  change, so an encrypted copy of an image the host already unpacked "runs" without ever fetching the encrypted
 *  layer — and a negative test would pass for the wrong reason. */
export async function buildUniqueTestImage(outDir: string, token: string): Promise<BuiltImage> {
  const version = await busyboxVersion();
  const image = busyboxImage(`coco-conformance.local/busybox-${token}:${version}`, join(outDir, `busybox-${token}.oci.tar`),
    `coco-conformance test image busybox ${version} ${token}\n`);
  await writeBusyboxArchive(outDir, image);
  return image;
}

async function busyboxVersion(): Promise<string> {
  if (!existsSync(BUSYBOX)) throw new Error(`failed to build test images: ${BUSYBOX} is missing (apt-get install busybox-static)`);
  return (await runCommand([BUSYBOX])).stdout.match(/BusyBox v([0-9.]+)/)?.[1] ?? 'unknown';
}

function busyboxImage(reference: string, archive: string, markerContent: string): BuiltImage {
  return { reference, archive, entrypoint: ['/bin/sh'], marker: { path: MARKER_PATH, content: markerContent } };
}

async function writeBusyboxArchive(outDir: string, image: BuiltImage): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  // A private staging directory, so two builds into the same outDir cannot trip over each other.
  const staging = mkdtempSync(join(outDir, '.busybox-rootfs-'));
  mkdirSync(join(staging, 'bin'), { recursive: true });
  mkdirSync(join(staging, 'etc'), { recursive: true });
  copyFileSync(BUSYBOX, join(staging, 'bin', 'busybox'));
  const applets = (await runCommand([BUSYBOX, '--list'])).stdout.split('\n').filter((a) => a && a !== 'busybox');
  for (const applet of applets) symlinkSync('busybox', join(staging, 'bin', applet));
  writeFileSync(join(staging, 'etc', 'coco-conformance-image'), image.marker.content);
  try {
    await runCommand(['bash', MAKE_OCI_IMAGE, image.archive, image.reference, '/bin/sh',
      `${join(staging, 'bin')}:/bin`, `${join(staging, 'etc', 'coco-conformance-image')}:${MARKER_PATH}`]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
