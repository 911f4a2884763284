import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSecret } from '../exec/redact.ts';
import { providerKeyArgument, writeKeyProviderConfig } from './key-provider-config.ts';
import { skopeoCopy, type CopiedImage, type RegistryLogin } from './skopeo-copy.ts';

export interface ImageKeyOptions {
  source: string;
  destination: string;
  /** the 32-byte AES key, base64, as the KBS resource holds it (e.g. default/key/<id>) */
  keyBase64: string;
  /** the KBS resource URI the guest fetches the key from: kbs:///default/key/<id> */
  kid: string;
  /** a skopeo with key-provider support (see ensureSkopeo) */
  skopeo: string;
  sourceLogin?: RegistryLogin;
  destinationLogin?: RegistryLogin;
  tlsVerify?: boolean;
}

/** Encrypts every layer of `source` into `destination` through the harness's own key provider, as CoCo's
 *  coco_keyprovider does: layers become application/vnd.oci.image.layer.v1.tar+gzip+encrypted with the
 *  org.opencontainers.image.enc.keys.provider.attestation-agent annotation naming `kid`. */
export async function encryptImage(options: ImageKeyOptions): Promise<CopiedImage> {
  return copyThroughKeyProvider(options, 'encrypt');
}

/** A skopeo copy through the harness's key provider with the image key: encrypting (encryptImage), or decrypting
 *  with the same provider and key (the self-tests' check of an encrypted image outside a guest). */
export async function copyThroughKeyProvider(options: ImageKeyOptions, direction: 'encrypt' | 'decrypt'): Promise<CopiedImage> {
  registerSecret(options.keyBase64, `image key ${options.kid}`);
  const key = Buffer.from(options.keyBase64, 'base64');
  if (key.length !== 32) throw new Error(`failed to use image key for ${options.kid}: it has ${key.length} bytes, not 32`);
  // The key file and provider config live only for this copy, in a private directory.
  const work = mkdtempSync(join(tmpdir(), 'coco-image-key-'));
  try {
    const keyPath = join(work, 'image.key');
    writeFileSync(keyPath, key, { mode: 0o600 });
    const config = writeKeyProviderConfig(work);
    return await skopeoCopy({
      skopeo: options.skopeo,
      source: options.source,
      destination: options.destination,
      sourceLogin: options.sourceLogin,
      destinationLogin: options.destinationLogin,
      tlsVerify: options.tlsVerify,
      extraArgs: [direction === 'encrypt' ? '--encryption-key' : '--decryption-key', providerKeyArgument(keyPath, options.kid)],
      env: { OCICRYPT_KEYPROVIDER_CONFIG: config },
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
