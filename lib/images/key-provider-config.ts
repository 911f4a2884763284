import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PROVIDER_NAME } from './key-provider-protocol.ts';
import { WRAP_TYPE_A256GCM } from './annotation-packet.ts';
import { sourcePath } from '../../matrix/source-root.ts';

/** The executable ocicrypt runs for our key provider. */
export const KEY_PROVIDER_COMMAND = sourcePath('lib/images/bin/coco-key-provider');

/** Writes an OCICRYPT_KEYPROVIDER_CONFIG file naming our key provider under `providerName` (ocicrypt's
 *  config/keyprovider-config: {"key-providers":{name:{"cmd":{"path","args"}}}}) and returns its path. One per
 *  use, in a directory of the caller's, so parallel tests never share one. */
export function writeKeyProviderConfig(directory: string, providerName = DEFAULT_PROVIDER_NAME): string {
  const file = join(directory, 'ocicrypt-keyprovider.json');
  const config = {
    'key-providers': {
      [providerName]: { cmd: { path: KEY_PROVIDER_COMMAND, args: ['--provider', providerName] } },
    },
  };
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}

/** The value for skopeo's --encryption-key / --decryption-key, as CoCo documents for coco_keyprovider:
 *  `provider:attestation-agent:keypath=/key::keyid=kbs:///default/key/<id>::algorithm=A256GCM`. */
export function providerKeyArgument(keyPath: string, kid: string, providerName = DEFAULT_PROVIDER_NAME): string {
  if (keyPath.includes('::') || kid.includes('::')) {
    throw new Error('failed to build key provider argument: key path and kid must not contain "::"');
  }
  return `provider:${providerName}:keypath=${keyPath}::keyid=${kid}::algorithm=${WRAP_TYPE_A256GCM}`;
}
