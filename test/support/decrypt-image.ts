import { copyThroughKeyProvider, type CopiedImage, type ImageKeyOptions } from '../../lib/images/index.ts';

/** The inverse of encryptImage, for checking an encrypted image outside a guest: decrypts every layer with the same
 *  key provider and key. The harness itself never decrypts: only the guest does. */
export function decryptImage(options: ImageKeyOptions): Promise<CopiedImage> {
  return copyThroughKeyProvider(options, 'decrypt');
}
