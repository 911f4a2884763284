import { expect, test } from '@playwright/test';
import { compactVerify, importJWK } from 'jose';
import { createSealedSecret, generateSealedSecretSigningKey } from '../../lib/sealed-secrets/index.ts';
import { parseSealedSecret, verifySealedSecretSignature } from '../support/sealed-secret-shape.ts';
import type { GuestComponentsBehaviour } from '../../matrix/release-profile.ts';

type Format = GuestComponentsBehaviour['sealedSecret'];
const fake = { header: 'fakejwsheader', signature: 'fakesignature', payloadVersion: '0.1.0' };
const v090: Format = { encoding: 'base64-standard', ...fake };
const v011: Format = { encoding: 'base64url-nopad', ...fake };
const v019: Format = { encoding: 'es256-jws', ...fake };

// kata 3.7.0 tests/integration/kubernetes/k8s-sealed-secret.bats, the value CoCo v0.9.0 was tested with.
const UPSTREAM_EXAMPLE =
  'sealed.fakejwsheader.ewogICAgInZlcnNpb24iOiAiMC4xLjAiLAogICAgInR5cGUiOiAidmF1bHQiLAogICAgIm5hbWUiOiAia2JzOi8vL2RlZmF1bHQvc2VhbGVkLXNlY3JldC90ZXN0IiwKICAgICJwcm92aWRlciI6ICJrYnMiLAogICAgInByb3ZpZGVyX3NldHRpbmdzIjoge30sCiAgICAiYW5ub3RhdGlvbnMiOiB7fQp9Cg==.fakesignature';
const UPSTREAM_PAYLOAD = {
  version: '0.1.0', type: 'vault', name: 'kbs:///default/sealed-secret/test', provider: 'kbs', provider_settings: {}, annotations: {},
};

test('the parser reads the upstream example as base64-standard', () => {
  const parsed = parseSealedSecret(UPSTREAM_EXAMPLE, 'base64-standard');
  expect(parsed.header).toBe('fakejwsheader');
  expect(parsed.signature).toBe('fakesignature');
  expect(parsed.payload).toEqual(UPSTREAM_PAYLOAD);
});

test('v0.9 encoding: the generated value has the upstream shape and payload', () => {
  const value = createSealedSecret({ resource: 'default/sealed-secret/test', format: v090 });
  const parts = value.split('.');
  expect(parts).toHaveLength(4);
  expect(parts[0]).toBe('sealed');
  expect(parts[1]).toBe('fakejwsheader');
  expect(parts[3]).toBe('fakesignature');
  expect(JSON.parse(Buffer.from(parts[2]!, 'base64').toString())).toEqual(UPSTREAM_PAYLOAD);
  expect(Object.keys(JSON.parse(Buffer.from(parts[2]!, 'base64').toString()))).toEqual(Object.keys(UPSTREAM_PAYLOAD));
  expect(parseSealedSecret(value, 'base64-standard').payload).toEqual(UPSTREAM_PAYLOAD);
});

test('the encodings differ where guest-components decodes differently', () => {
  // A tag whose payload base64 contains characters that differ between the two alphabets, plus padding.
  const resource = 'kbs:///default/sealed-secret/tag?>~';
  const standard = createSealedSecret({ resource, format: v090 });
  const url = createSealedSecret({ resource, format: v011 });
  expect(standard.split('.')[2]).toMatch(/[+/=]/);
  expect(url.split('.')[2]).toMatch(/^[A-Za-z0-9_-]+$/);
  expect(() => parseSealedSecret(standard, 'base64url-nopad')).toThrow(/payload is not base64url-nopad/);
  expect(() => parseSealedSecret(url, 'base64-standard')).toThrow(/payload is not base64-standard/);
  expect(parseSealedSecret(url, 'base64url-nopad').payload.name).toBe(resource);
});

test('es256-jws: a real JWS with the kid in its protected header, verified with the public JWK', () => {
  const key = generateSealedSecretSigningKey('kbs:///default/signing-key/selftest');
  const value = createSealedSecret({ resource: 'default/sealed-secret/signed', format: v019, signingKey: key });
  const parsed = parseSealedSecret(value, 'es256-jws');
  // kata 3.28.0's precreated secret: {"b64":true,"alg":"ES256","kid":…} (confidential_common.sh:240-292).
  expect(parsed.protectedHeader).toEqual({ b64: true, alg: 'ES256', kid: 'kbs:///default/signing-key/selftest' });
  expect(parsed.payload.name).toBe('kbs:///default/sealed-secret/signed');
  expect(Buffer.from(parsed.signature, 'base64url')).toHaveLength(64);
  expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
  expect(key.publicJwk).not.toHaveProperty('d');
  expect(verifySealedSecretSignature(value, key.publicJwk)).toBe(true);
  const other = generateSealedSecretSigningKey('kbs:///default/signing-key/other');
  expect(verifySealedSecretSignature(value, other.publicJwk)).toBe(false);
  const parts = value.split('.');
  parts[2] = Buffer.from(JSON.stringify({ ...UPSTREAM_PAYLOAD, name: 'kbs:///default/sealed-secret/evil' })).toString('base64url');
  expect(verifySealedSecretSignature(parts.join('.'), key.publicJwk)).toBe(false);
});

test('es256-jws: jose, an independent JWS implementation, agrees; a signature in standard base64 is refused by both', async () => {
  const key = generateSealedSecretSigningKey('kbs:///default/signing-key/selftest');
  // ECDSA signatures are random. One whose standard base64 has no '+' or '/' differs from base64url only by its "=="
  // padding, which jose tolerates; take a signature whose two alphabets really differ (about 15 in 16 do).
  const sign = () => createSealedSecret({ resource: 'default/sealed-secret/signed', format: v019, signingKey: key });
  const alphabetsDiffer = (sealed: string) => /[+/]/.test(Buffer.from(sealed.split('.')[3]!, 'base64url').toString('base64'));
  let value = sign();
  for (let tries = 1; !alphabetsDiffer(value) && tries < 64; tries++) value = sign();
  expect(alphabetsDiffer(value), 'a signature whose standard base64 uses + or /').toBe(true);
  const jws = value.replace(/^sealed\./, '');
  const publicKey = await importJWK(key.publicJwk, 'ES256');
  const verified = await compactVerify(jws, publicKey);
  expect(verified.protectedHeader).toEqual({ b64: true, alg: 'ES256', kid: 'kbs:///default/signing-key/selftest' });
  expect(JSON.parse(new TextDecoder().decode(verified.payload)).name).toBe('kbs:///default/sealed-secret/signed');
  // The same 64 signature bytes in standard base64 (88 characters, "==" padded): no longer a JWS.
  const parts = value.split('.');
  parts[3] = Buffer.from(parts[3]!, 'base64url').toString('base64');
  expect(parts[3]).toMatch(/==$/);
  expect(verifySealedSecretSignature(parts.join('.'), key.publicJwk)).toBe(false);
  await expect(compactVerify(parts.slice(1).join('.'), publicKey)).rejects.toThrow();
  expect(verifySealedSecretSignature(value, key.publicJwk)).toBe(true);
});

test('es256-jws without a signing key is refused, and malformed values are rejected', () => {
  expect(() => createSealedSecret({ resource: 'default/sealed-secret/x', format: v019 })).toThrow(/needs a signing key/);
  expect(() => parseSealedSecret('sealed.a.b', 'base64-standard')).toThrow(/3 dot-separated parts, not 4/);
  expect(() => parseSealedSecret(UPSTREAM_EXAMPLE.replace(/^sealed/, 'unsealed'), 'base64-standard')).toThrow(/not "sealed"/);
  expect(() => parseSealedSecret('sealed.h.bm90IGpzb24=.s', 'base64-standard')).toThrow(/not a JSON object/);
});
