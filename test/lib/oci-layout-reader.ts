import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runCommand } from '../../lib/exec/run-command.ts';

/** Reads the single image of an OCI layout (a directory, or an oci-archive tar) for the self-tests. */
export interface OciImageContent {
  manifest: { layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[] };
  config: { rootfs: { diff_ids: string[] } };
  /** each layer uncompressed (tar) */
  layerTars: Buffer[];
}

export async function readOciLayout(pathOrArchive: string): Promise<OciImageContent> {
  if (!pathOrArchive.endsWith('.tar')) return readLayoutDirectory(pathOrArchive);
  const dir = mkdtempSync(join(tmpdir(), 'coco-oci-read-'));
  try {
    await runCommand(['tar', '-xf', pathOrArchive, '-C', dir]);
    return readLayoutDirectory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readLayoutDirectory(dir: string): OciImageContent {
  const blob = (digest: string) => readFileSync(join(dir, 'blobs', ...digest.split(':')));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(blob(index.manifests[0]!.digest).toString()) as OciImageContent['manifest'] & {
    config: { digest: string };
  };
  const config = JSON.parse(blob(manifest.config.digest).toString()) as OciImageContent['config'];
  const layerTars = manifest.layers.map((layer) => {
    const bytes = blob(layer.digest);
    return layer.mediaType.endsWith('+gzip') ? gunzipSync(bytes) : bytes;
  });
  return { manifest, config, layerTars };
}

/** One file's content from a layer tar. */
export async function fileInLayer(layerTar: Buffer, path: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'coco-layer-'));
  const tarFile = join(dir, 'layer.tar');
  writeFileSync(tarFile, layerTar);
  try {
    return (await runCommand(['tar', '-xOf', tarFile, `.${path}`])).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
