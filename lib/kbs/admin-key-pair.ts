import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerSecret } from '../exec/redact.ts';

/** The KBS admin key pair as trustee's kbs/config/kubernetes/deploy-kbs.sh makes it with openssl:
 *  kbs.key (Ed25519 private key, PKCS8 PEM, mode 0600) and kbs.pem (its SPKI public key, given to KBS). */
export interface AdminKeyPairFiles {
  privateKeyFile: string;
  publicKeyFile: string;
}

export function generateAdminKeyPair(directory: string): AdminKeyPairFiles {
  mkdirSync(directory, { recursive: true });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerAdminPrivateKey(privatePem);
  const privateKeyFile = join(directory, 'kbs.key');
  const publicKeyFile = join(directory, 'kbs.pem');
  writeFileSync(privateKeyFile, privatePem, { mode: 0o600 });
  chmodSync(privateKeyFile, 0o600); // an existing file keeps its mode on write
  writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }).toString());
  return { privateKeyFile, publicKeyFile };
}

/** Reads an Ed25519 private key (PKCS8 PEM) and registers it as a secret. */
export function loadAdminPrivateKey(file: string): KeyObject {
  const pem = readFileSync(file, 'utf8');
  registerAdminPrivateKey(pem);
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`failed to load KBS admin key ${file}: it is ${key.asymmetricKeyType}, not ed25519`);
  }
  return key;
}

export function loadAdminPublicKey(file: string): KeyObject {
  const key = createPublicKey(readFileSync(file, 'utf8'));
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`failed to load KBS admin public key ${file}: it is ${key.asymmetricKeyType}, not ed25519`);
  }
  return key;
}

function registerAdminPrivateKey(pem: string): void {
  registerSecret(pem, 'kbs-admin-key');
  // Also the base64 body alone, in case it is ever printed without its PEM armour.
  registerSecret(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'kbs-admin-key');
}
