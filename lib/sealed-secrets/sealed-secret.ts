import { generateKeyPairSync, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { GuestComponentsBehaviour } from '../../matrix/release-profile.ts';
import { registerSecret } from '../exec/redact.ts';

export type SealedSecretEncoding = GuestComponentsBehaviour['sealedSecret']['encoding'];

/** The vault-type sealed secret payload confidential-data-hub reads: a pointer to a KBS resource, not the secret
 *  (kata 3.7.0 k8s-sealed-secret.bats; guest-components confidential-data-hub secret/layout/vault.rs). */
export interface SealedSecretPayload {
  version: string;
  type: 'vault';
  name: string;
  provider: 'kbs';
  provider_settings: Record<string, never>;
  annotations: Record<string, never>;
}

/** A P-256 key for signed sealed secrets (CoCo 0.19+): the private key signs; the public JWK is put into KBS at
 *  `kid` (a kbs:/// URI), where confidential-data-hub fetches it to verify. */
export interface SealedSecretSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
}

export interface SealedSecretOptions {
  /** the KBS resource the secret points at: kbs:///default/sealed-secret/<tag>, or default/sealed-secret/<tag> */
  resource: string;
  /** the release profile's guestComponents.sealedSecret */
  format: GuestComponentsBehaviour['sealedSecret'];
  /** required for es256-jws */
  signingKey?: SealedSecretSigningKey;
}

export function sealedSecretPayload(resource: string, version: string): SealedSecretPayload {
  const name = resource.startsWith('kbs://') ? resource : `kbs:///${resource.replace(/^\/+/, '')}`;
  return { version, type: 'vault', name, provider: 'kbs', provider_settings: {}, annotations: {} };
}

/** `sealed.<header>.<payload>.<signature>` in the encoding the release's confidential-data-hub decodes:
 *  base64-standard (guest-components 0.9/0.10: STANDARD base64 payload, header and signature unchecked),
 *  base64url-nopad (0.11+: URL_SAFE_NO_PAD payload), es256-jws (0.19+: a real ES256 JWS whose protected header
 *  names the verification key by kid). The value is a pointer, yet it is registered as a secret: it names where
 *  the real secret lives. */
export function createSealedSecret(options: SealedSecretOptions): string {
  const payload = JSON.stringify(sealedSecretPayload(options.resource, options.format.payloadVersion));
  let value: string;
  switch (options.format.encoding) {
    case 'base64-standard':
      value = `sealed.${options.format.header}.${Buffer.from(payload).toString('base64')}.${options.format.signature}`;
      break;
    case 'base64url-nopad':
      value = `sealed.${options.format.header}.${Buffer.from(payload).toString('base64url')}.${options.format.signature}`;
      break;
    case 'es256-jws':
      if (!options.signingKey) throw new Error('failed to create sealed secret: es256-jws needs a signing key');
      value = `sealed.${signEs256Jws(payload, options.signingKey)}`;
      break;
  }
  registerSecret(value, 'sealed-secret envelope');
  return value;
}

export function generateSealedSecretSigningKey(kid: string): SealedSecretSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  // The JWK as kata's setup_sealed_secret_signing_public_key stores it: alg, crv, kty, use, x, y (its own kid is
  // not read; the hub finds the key by the JWS header's kid, the resource URI).
  return { kid, privateKey, publicJwk: { alg: 'ES256', crv: jwk.crv, kty: jwk.kty, use: 'sig', x: jwk.x, y: jwk.y } };
}

/** Compact JWS as confidential-data-hub's `secret seal --signing-kid` builds it (guest-components v0.18.0
 *  confidential-data-hub/hub/src/secret/mod.rs:192-228; kata 3.28.0 confidential_common.sh:240-292 shows the header):
 *  protected header {"b64":true,"alg":"ES256","kid"}, all parts base64url without padding, the signature as the
 *  64-byte r‖s (IEEE P1363), not DER. */
function signEs256Jws(payload: string, key: SealedSecretSigningKey): string {
  const header = Buffer.from(JSON.stringify({ b64: true, alg: 'ES256', kid: key.kid })).toString('base64url');
  const signingInput = `${header}.${Buffer.from(payload).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}
