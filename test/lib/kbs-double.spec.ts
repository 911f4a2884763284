import { createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { ensureCachedGoTool } from '../../lib/exec/cached-go-tool.ts';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  createAdminToken,
  signCompactToken,
  generateAdminKeyPair,
  HttpKbsTransport,
  KbsAdminClient,
  KbsDouble,
  loadAdminPrivateKey,
  loadAdminPublicKey,
  RecordingKbsTransport,
  verifyAdminToken,
  type KbsDoubleOptions,
} from '../../lib/kbs/index.ts';
import { CompactSign, SignJWT } from 'jose';
import { kbsDoubleDescription } from '../../harness/platforms/control-platform-setup.ts';
import { redact, REDACTED } from '../../lib/exec/redact.ts';
import { encodedReleases, loadRelease } from '../../matrix/index.ts';
import { runCommand } from '../../lib/exec/run-command.ts';
import { startInspectableKbsDouble, type InspectableKbsDouble } from '../support/inspectable-kbs-double.ts';
import { scratchDirectory } from './scratch-directory.ts';

// The per-route-handlers generation (trustee e890fc9, CoCo v0.9.0) unless a test says otherwise; later generations
// are at the end of this file.
const v090 = loadRelease('v0.9.0').kbs;
const adminAuth = v090.adminAuth;
const apiPrefix = v090.apiPrefix;

let kbs: InspectableKbsDouble;
let privateKey: KeyObject;
let keyDir: string;
const scratch = scratchDirectory('kbs-double-test');

test.beforeAll(async () => {
  keyDir = `${scratch()}/kbs-keys`;
  const files = generateAdminKeyPair(keyDir);
  privateKey = loadAdminPrivateKey(files.privateKeyFile);
  kbs = await startInspectableKbsDouble({ adminPublicKey: loadAdminPublicKey(files.publicKeyFile), kbs: v090 });
});

test.afterAll(async () => {
  await kbs?.stop();
});

const client = (key = privateKey) => new KbsAdminClient({ privateKey: key, adminAuth, apiPrefix, transport: new HttpKbsTransport(kbs.url) });
const now = () => Math.floor(Date.now() / 1000);

/** POSTs a resource with a hand-made token, to see what the double answers. */
async function postWithToken(token: string, path = 'default/selftest/raw') {
  const response = await fetch(`${kbs.url}${apiPrefix}/resource/${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: 'x',
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as { type?: string; detail?: string } };
}

test('the admin client sets a resource and both policies with a valid token', async () => {
  await client().setResource('default/key/selftest-accepted', Buffer.from('secret-key-bytes-123'));
  await client().setResourcePolicy('package policy\ndefault allow = true\n');
  await client().setAttestationPolicy('package policy\ndefault allow = false\n');
  const seen = kbs.inspect();
  expect(seen.resources).toContain('default/key/selftest-accepted');
  expect(seen.resourcePolicy).toBe('package policy\ndefault allow = true\n');
  expect(seen.attestationPolicies).toEqual({ default: 'package policy\ndefault allow = false\n' });
  expect(JSON.stringify(seen)).not.toContain('secret-key-bytes-123');
});

test('a token signed with another key is refused with 401 and a reason', async () => {
  const stranger = generateKeyPairSync('ed25519').privateKey;
  await expect(client(stranger).setResource('default/key/selftest-stranger', 'x')).rejects.toThrow(
    /failed to set KBS resource default\/key\/selftest-stranger: HTTP 401 .*Requester is not an authorized user: token verification failed.*Signature tag didn't verify/,
  );
  expect(kbs.inspect().resources).not.toContain('default/key/selftest-stranger');
});

test('an expired token is refused beyond the 900 s leeway and accepted within it', async () => {
  const expiredBeyond = createAdminToken(privateKey, { validitySeconds: 60, nowSeconds: now() - 60 - 905 });
  const expiredWithin = createAdminToken(privateKey, { validitySeconds: 60, nowSeconds: now() - 60 - 880 });
  const refused = await postWithToken(expiredBeyond);
  expect(refused.status).toBe(401);
  expect(refused.body.type).toBe('https://github.com/confidential-containers/kbs/errors/FailedAuthentication');
  expect(refused.body.detail).toContain('Token has expired');
  expect((await postWithToken(expiredWithin)).status).toBe(200);
});

/** What kbs-client signs with, and a token with kbs-client's claims under another header. */
const KBS_CLIENT_HEADER = { alg: 'EdDSA', typ: 'JWT' };
const signedWithHeader = (header: Record<string, unknown>) => signCompactToken(privateKey, header, { iat: now(), exp: now() + 60, nbf: now() });

test('a token not valid yet is refused beyond the leeway and accepted within it', async () => {
  const future = (seconds: number) => signCompactToken(privateKey, KBS_CLIENT_HEADER, { iat: now(), nbf: now() + seconds, exp: now() + 7200 });
  const refused = await postWithToken(future(1000));
  expect(refused.status).toBe(401);
  expect(refused.body.detail).toContain('Token not valid yet');
  expect((await postWithToken(future(600))).status).toBe(200);
});

test('a token without the EdDSA algorithm is refused', async () => {
  for (const alg of ['HS256', 'none', 'ES256']) {
    const token = signedWithHeader({ alg, typ: 'JWT' });
    const refused = await postWithToken(token);
    expect(refused.status, alg).toBe(401);
    expect(refused.body.detail, alg).toContain('JWT algorithm mismatch');
  }
});

test('a token typed "at+JWT" is accepted, as any typ ending in +JWT, in any letter case; another typ is refused', async () => {
  // jwt-simple 0.11.9 (trustee e890fc9 Cargo.lock; kbs/src/auth.rs:21 verify_token) src/token.rs:149-152: typ, when
  // present, upper-cased must be "JWT" or end in "+JWT" (RFC 9068's access tokens are "at+jwt").
  for (const typ of ['at+JWT', 'at+jwt', 'JWT', 'jwt']) {
    const token = signedWithHeader({ alg: 'EdDSA', typ });
    expect((await postWithToken(token)).status, typ).toBe(200);
  }
  for (const typ of ['JOSE', 'JWT+at', 'at+JWS']) {
    const refused = await postWithToken(signedWithHeader({ alg: 'EdDSA', typ }));
    expect(refused.status, typ).toBe(401);
    expect(refused.body.detail, typ).toContain('Not a JWT token');
  }
});

test('a missing or malformed Authorization header is refused', async () => {
  const none = await fetch(`${kbs.url}${apiPrefix}/resource/default/key/none`, { method: 'POST', body: 'x' });
  expect(none.status).toBe(401);
  const basic = await fetch(`${kbs.url}${apiPrefix}/resource-policy`, {
    method: 'POST', headers: { authorization: 'Basic abc', 'content-type': 'application/json' }, body: '{"policy":"YQ"}',
  });
  expect(basic.status).toBe(401);
  expect(kbs.inspect().resources).not.toContain('default/key/none');
});

test('the verifier accepts a token made independently by openssl with a key from openssl genpkey', async () => {
  // As deploy-kbs.sh does: openssl genpkey -algorithm ed25519, then the public half for KBS.
  const dir = `${scratch()}/openssl`;
  await runCommand(['mkdir', '-p', dir]);
  await runCommand(['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', `${dir}/kbs.key`]);
  await runCommand(['openssl', 'pkey', '-in', `${dir}/kbs.key`, '-pubout', '-out', `${dir}/kbs.pem`]);
  const double = await new KbsDouble({ adminPublicKey: loadAdminPublicKey(`${dir}/kbs.pem`), kbs: v090 }).start();
  try {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const sign = async (claims: object) => {
      const input = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64(claims)}`;
      writeFileSync(`${dir}/input`, input);
      const signature = await runCommand(['sh', '-c', 'openssl pkeyutl -sign -rawin -inkey "$1" -in "$2" | base64 -w0', 'sh', `${dir}/kbs.key`, `${dir}/input`]);
      return `${input}.${Buffer.from(signature.stdout.trim(), 'base64').toString('base64url')}`;
    };
    const post = async (token: string) =>
      (await fetch(`${double.url}${apiPrefix}/resource/default/key/openssl`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'x' })).status;
    expect(await post(await sign({ iat: now(), nbf: now(), exp: now() + 7200 }))).toBe(200);
    expect(await post(await sign({ iat: now() - 10_000, nbf: now() - 10_000, exp: now() - 1000 }))).toBe(401);
    expect(await post(await sign({}))).toBe(200); // jwt-simple requires no claim at all, so neither does trustee
    const tampered = (await sign({ iat: now(), exp: now() + 60 })).replace(/\.([^.]+)\./, `.${b64({ iat: now(), exp: now() + 999_999 })}.`);
    expect(await post(tampered)).toBe(401);
  } finally {
    await double.stop();
  }
});

test('guests get nothing: /auth and /attest are refused, resources stay unreadable, / is 404', async () => {
  await client().setResource('default/aa/key', 'aatest');
  const auth = await fetch(`${kbs.url}${apiPrefix}/auth`, { method: 'POST', body: '{"version":"0.1.0","tee":"sample","extra-params":""}' });
  expect(auth.status).toBe(401);
  expect(((await auth.json()) as { detail: string }).detail).toContain('cannot verify TEE evidence');
  expect((await fetch(`${kbs.url}${apiPrefix}/attest`, { method: 'POST', body: '{}' })).status).toBe(401);
  const read = await fetch(`${kbs.url}${apiPrefix}/resource/default/aa/key`, { headers: { cookie: 'kbs-session-id=forged' } });
  expect(read.status).toBe(401);
  expect(await read.text()).not.toContain('aatest');
  const health = await fetch(`${kbs.url}/`);
  expect(health.status).toBe(404);
  expect(health.statusText).toBe('Not Found');
});

test('a dry run records the calls with the token redacted and no secret bytes', async () => {
  const transport = new RecordingKbsTransport();
  const dry = new KbsAdminClient({ privateKey, adminAuth, apiPrefix, transport });
  await dry.setResource('default/key/dry-run', Buffer.from('very-secret-value'));
  await dry.setResourcePolicy('package policy\ndefault allow = false\n');
  expect(transport.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
    'POST /kbs/v0/resource/default/key/dry-run',
    'POST /kbs/v0/resource-policy',
  ]);
  expect(transport.calls[0]!.headers.authorization).toBe(`Bearer ${REDACTED}`);
  expect(transport.calls[0]!.bodySummary).toContain('17 bytes');
  expect(JSON.stringify(transport.calls)).not.toContain('very-secret-value');
  expect(transport.calls[1]!.bodySummary).toContain('default allow = false');
});

test('the admin key pair is written as deploy-kbs.sh writes it, and the private key is a secret', async () => {
  const key = readFileSync(`${keyDir}/kbs.key`, 'utf8');
  expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  expect(statSync(`${keyDir}/kbs.key`).mode & 0o777).toBe(0o600);
  expect(readFileSync(`${keyDir}/kbs.pem`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  const text = await runCommand(['openssl', 'pkey', '-in', `${keyDir}/kbs.key`, '-noout', '-text']);
  expect(text.stdout).toContain('ED25519 Private-Key');
  expect(redact(key)).toBe('[secret:kbs-admin-key]');
});

// The admin routes as trustee e890fc9 answers them: kbs/src/http/config.rs for the order (actix extractor, then
// validate_auth, then the policy engine), kbs/src/http/error.rs for the error bodies, actix-web 4.5.1 for limits.

const RESOURCE_LIMIT = 262_144;
const JSON_LIMIT = 2_097_152;
const validToken = () => createAdminToken(privateKey, { validitySeconds: 60 });
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** POSTs a raw body to an admin route; `token` undefined sends no Authorization header. */
async function postRaw(route: string, body: BodyInit, options: { token?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.contentType) headers['content-type'] = options.contentType;
  const response = await fetch(`${kbs.url}${apiPrefix}/${route}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text };
}

const postPolicy = (body: unknown, token?: string) =>
  postRaw('attestation-policy', typeof body === 'string' ? body : JSON.stringify(body), { token, contentType: 'application/json' });

test('attestation-policy parses its JSON before authentication: bad JSON without a token is 400', async () => {
  const refused = await postPolicy('{"policy_id": "default", "policy": ');
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('Json deserialize error');
  expect((await postPolicy('not json at all', validToken())).status).toBe(400);
  // actix's Json extractor also wants a JSON content type, before it reads anything.
  expect((await postRaw('attestation-policy', JSON.stringify({ policy_id: 'default', policy: 'YQ' }), { contentType: 'text/plain' })).status).toBe(400);
  // Well-formed JSON passes the extractor, so without a token it is the authentication that refuses.
  expect((await postPolicy({ policy_id: 'default', policy: 'YQ' })).status).toBe(401);
});

test('attestation-policy needs policy_id and policy as strings (400, even without a token)', async () => {
  for (const body of [{ policy: b64url('package policy') }, { policy_id: 'default' }, { policy_id: 7, policy: 'YQ' }, ['default']]) {
    expect((await postPolicy(body, validToken())).status, JSON.stringify(body)).toBe(400);
    expect((await postPolicy(body)).status, JSON.stringify(body)).toBe(400);
  }
});

test('attestation-policy refuses an illegal policy id with 401 PolicyEndpoint "Illegal policy id"', async () => {
  for (const policyId of ['a/b', 'x y', '../escape']) {
    const refused = await postPolicy({ policy_id: policyId, policy: b64url('package policy\n') }, validToken());
    expect(refused.status, policyId).toBe(401);
    const body = JSON.parse(refused.text) as { type: string; detail: string };
    expect(body.type).toBe('https://github.com/confidential-containers/kbs/errors/PolicyEndpoint');
    expect(body.detail).toContain('Policy error: Set policy error Illegal policy id');
    expect(Object.keys(kbs.inspect().attestationPolicies)).not.toContain(policyId);
  }
});

test('attestation-policy accepts policy ids of Unicode letters and digits, as Rust char::is_alphanumeric does', async () => {
  expect((await postPolicy({ policy_id: 'café_2-x', policy: b64url('package unicode\n') }, validToken())).status).toBe(200);
  expect(kbs.inspect().attestationPolicies['café_2-x']).toBe('package unicode\n');
});

test('attestation-policy ignores `type`: any type or none is accepted with a valid token', async () => {
  expect((await postPolicy({ type: 'whatever', policy_id: 'typed', policy: b64url('package typed\n') }, validToken())).status).toBe(200);
  expect((await postPolicy({ policy_id: 'untyped', policy: b64url('package untyped\n') }, validToken())).status).toBe(200);
  const policies = kbs.inspect().attestationPolicies;
  expect(policies.typed).toBe('package typed\n');
  expect(policies.untyped).toBe('package untyped\n');
});

test('policies must be URL-safe base64 without padding', async () => {
  for (const policy of ['YQ==', 'a+b/', 'YR', 'Y']) {
    const refused = await postPolicy({ policy_id: 'b64', policy }, validToken());
    expect(refused.status, policy).toBe(401);
    expect(refused.text, policy).toContain('Base64 decode OPA policy string failed');
    const resourcePolicy = await postRaw('resource-policy', JSON.stringify({ policy }), { token: validToken(), contentType: 'application/json' });
    expect(resourcePolicy.status, policy).toBe(401);
    expect(resourcePolicy.text, policy).toContain('Decoding (base64) resource policy failed');
  }
  expect(kbs.inspect().attestationPolicies.b64).toBeUndefined();
});

test('a resource body above 262,144 bytes is 413 before authentication; 262,144 bytes is stored', async () => {
  const tooLarge = new Uint8Array(RESOURCE_LIMIT + 1);
  expect((await postRaw('resource/default/limit/over', tooLarge)).status).toBe(413);
  expect((await postRaw('resource/default/limit/over', tooLarge, { token: validToken() })).status).toBe(413);
  expect((await postRaw('resource/default/limit/exact', new Uint8Array(RESOURCE_LIMIT), { token: validToken() })).status).toBe(200);
  expect(kbs.inspect().resources).toContain('default/limit/exact');
  expect(kbs.inspect().resources).not.toContain('default/limit/over');
  expect(kbs.storedResource('default/limit/exact')?.length).toBe(RESOURCE_LIMIT);
});

test('a resource body above the limit sent without Content-Length (chunked) is 413 too', async () => {
  const chunk = new Uint8Array(65_536);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > RESOURCE_LIMIT) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const response = await fetch(`${kbs.url}${apiPrefix}/resource/default/limit/chunked`, {
    method: 'POST', headers: { authorization: `Bearer ${validToken()}` }, body, duplex: 'half',
  } as RequestInit);
  expect(response.status).toBe(413);
  expect(kbs.inspect().resources).not.toContain('default/limit/chunked');
});

test('policy JSON above 2,097,152 bytes is 413 before authentication, on both policy routes', async () => {
  const atLimit = JSON.stringify({ policy_id: 'big', policy: 'YQ' }).padEnd(JSON_LIMIT, ' ');
  const overLimit = `${atLimit} `;
  for (const route of ['attestation-policy', 'resource-policy']) {
    expect((await postRaw(route, overLimit, { contentType: 'application/json' })).status, route).toBe(413);
    expect((await postRaw(route, overLimit, { token: validToken(), contentType: 'application/json' })).status, route).toBe(413);
    // At the limit the extractor passes, so without a token it is authentication that refuses.
    expect((await postRaw(route, atLimit, { contentType: 'application/json' })).status, route).toBe(401);
  }
});

test('trustee errors carry a JSON body but no Content-Type header', async () => {
  const refusals = [
    await postRaw('resource/default/key/ct', 'x'),
    await postPolicy({ policy_id: 'a/b', policy: 'YQ' }, validToken()),
    await postRaw('resource-policy', '{"policy":"YQ"}', { token: 'not-a-jwt', contentType: 'application/json' }),
  ];
  for (const refused of refusals) {
    expect(refused.status).toBe(401);
    expect(refused.contentType).toBeNull();
    expect(JSON.parse(refused.text)).toHaveProperty('type');
  }
  const policySet = await postPolicy({ policy_id: 'ct', policy: 'YQ' }, validToken());
  expect(policySet.status).toBe(200);
  expect(policySet.contentType).toBeNull();
  expect(policySet.text).toBe('');
});

test('storedResource returns the exact bytes set, and undefined for a path never set', async () => {
  const key = randomBytes(32);
  await client().setResource('default/image-key/stored', key);
  const stored = kbs.storedResource('default/image-key/stored');
  expect(stored).toBeInstanceOf(Buffer);
  expect(stored!.equals(key)).toBe(true);
  expect(stored!.length).toBe(32);
  expect(kbs.storedResource('default/image-key/never-set')).toBeUndefined();
  expect(JSON.stringify(kbs.inspect())).not.toContain(key.toString('hex'));
  expect(JSON.stringify(kbs.inspect())).not.toContain(key.toString('base64'));
});


// ---- One double per trustee generation, chosen by the release profile (lib/kbs/trustee-generation.ts) ----
// Tokens below are minted by jose (an independent JOSE implementation), never by the harness's own token code, so
// the verifier of each generation is checked against a third party's idea of an EdDSA JWT.

/** A double of `release`'s trustee, the admin client the harness uses against it, and a jose signer. */
async function doubleOf(release: string, extra: Partial<Omit<KbsDoubleOptions, 'kbs' | 'adminPublicKey'>> = {}) {
  const profile = loadRelease(release);
  const double = await new KbsDouble({ adminPublicKey: loadAdminPublicKey(`${keyDir}/kbs.pem`), kbs: profile.kbs, ...extra }).start();
  const admin = new KbsAdminClient({ privateKey, adminAuth: profile.kbs.adminAuth, apiPrefix: profile.kbs.apiPrefix, transport: new HttpKbsTransport(double.url) });
  const call = async (method: string, route: string, init: { token?: string; body?: BodyInit; contentType?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.contentType) headers['content-type'] = init.contentType;
    const response = await fetch(`${double.url}${profile.kbs.apiPrefix}/${route}`, { method, headers, body: init.body });
    const text = await response.text();
    const json = (() => { try { return JSON.parse(text) as { type?: string; detail?: string }; } catch { return {}; } })();
    return { status: response.status, text, type: json.type?.split('/').pop(), detail: json.detail, contentType: response.headers.get('content-type') };
  };
  return { profile, double, admin, call };
}

/** An EdDSA JWT signed by jose with `claims` as given (times in seconds from now; absent ones left out). */
async function joseToken(claims: { iat?: number; exp?: number; nbf?: number; aud?: string }, key: KeyObject = privateKey): Promise<string> {
  const t = now();
  const payload: Record<string, unknown> = {};
  for (const name of ['iat', 'exp', 'nbf'] as const) if (claims[name] !== undefined) payload[name] = t + claims[name]!;
  if (claims.aud) payload.aud = claims.aud;
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(key);
}

test('every encoded release gets a double of its trustee generation, and the admin client does all it needs there', async () => {
  const names = new Set<string>();
  for (const release of encodedReleases()) {
    const { profile, double, admin } = await doubleOf(release);
    try {
      names.add(`${double.generation.routing}/${double.generation.admin.config}/${double.generation.admin.verifier}`);
      expect(double.generation.ref, release).toBe(profile.kbs.ref);
      await admin.setResource('default/key/every-release', Buffer.from('v'));
      await admin.setResourcePolicy(profile.kbs.policies.allowAll);
      await admin.setAttestationPolicy('package policy\n');
      if (profile.kbs.resourceDelete) await admin.deleteResource('default/key/every-release');
      expect(double.inspect().resources, release).toEqual(profile.kbs.resourceDelete ? [] : ['default/key/every-release']);
      expect(double.inspect().resourcePolicy, release).toBe(profile.kbs.policies.allowAll);
    } finally {
      await double.stop();
    }
  }
  // Four generations of admin API across thirteen releases: handlers/auth_public_key, [admin], personas with
  // jwt-simple, personas with jsonwebtoken.
  expect([...names].sort()).toEqual([
    'api-server/admin-personas/jsonwebtoken', 'api-server/admin-personas/jwt-simple', 'api-server/admin-section/jwt-simple',
    'per-route-handlers/auth-public-key/jwt-simple',
  ]);
});

test('[admin] section era (trustee v0.11.0, CoCo v0.12.0): AdminAuth errors, token before body, 256 KiB on every route', async () => {
  const { double, admin, call } = await doubleOf('v0.12.0');
  try {
    await admin.setResource('default/key/admin-era', 'x');
    const noToken = await call('POST', 'resource/default/key/a', { body: 'x' });
    expect([noToken.status, noToken.type, noToken.detail]).toEqual([401, 'AdminAuth', expect.stringMatching(/^Admin auth error: Failed to parse HTTP Auth Bearer header/)]);
    expect(noToken.contentType).toBeNull();
    const stranger = await call('POST', 'resource/default/key/a', { token: await joseToken({ iat: 0, exp: 60 }, generateKeyPairSync('ed25519').privateKey), body: 'x' });
    expect([stranger.status, stranger.detail]).toEqual([401, expect.stringMatching(/^Admin auth error: Admin Token verification failed/)]);
    // jwt-simple: no claim is required, and 900 s of tolerance on exp.
    expect((await call('POST', 'resource/default/key/b', { token: await joseToken({}), body: 'x' })).status).toBe(200);
    expect((await call('POST', 'resource/default/key/c', { token: await joseToken({ exp: -800 }), body: 'x' })).status).toBe(200);
    expect((await call('POST', 'resource/default/key/d', { token: await joseToken({ exp: -1000 }), body: 'x' })).status).toBe(401);
    // Written resources answer text/xml with an empty body (api_server.rs:215).
    const written = await call('POST', 'resource/default/key/e', { token: await joseToken({ exp: 60 }), body: 'x' });
    expect([written.status, written.contentType, written.text]).toEqual([200, 'text/xml', '']);
    // attestation-policy is not authenticated before trustee v0.15.0; its failures are AttestationError, not 400.
    expect((await call('POST', 'attestation-policy', { body: JSON.stringify({ policy_id: 'open', policy: b64url('package x\n') }) })).status).toBe(200);
    const badJson = await call('POST', 'attestation-policy', { body: '{"policy_id": ' });
    expect([badJson.status, badJson.type, badJson.detail]).toEqual([401, 'AttestationError', expect.stringMatching(/^Attestation error: Set Attestation Policy failed/)]);
    // resource-policy: the token first, then the JSON; every failure "Policy engine error".
    expect((await call('POST', 'resource-policy', { body: 'not json' })).type).toBe('AdminAuth');
    const notJson = await call('POST', 'resource-policy', { token: await joseToken({ exp: 60 }), body: 'not json' });
    expect([notJson.status, notJson.type, notJson.detail]).toEqual([401, 'PolicyEngine', expect.stringMatching(/^Policy engine error/)]);
    // No DELETE route (actix 405), GET without a token is TokenNotFound, an unknown plugin 404.
    expect((await call('DELETE', 'resource/default/key/e', { token: await joseToken({ exp: 60 }) })).status).toBe(405);
    expect((await call('GET', 'resource/default/key/e')).type).toBe('TokenNotFound');
    const plugin = await call('GET', 'nebula-ca/x');
    expect([plugin.status, plugin.detail]).toEqual([404, 'Plugin nebula-ca not found']);
    // One PayloadConfig-less web::Bytes: 262,144 bytes on every route, before the token.
    expect((await call('POST', 'resource/default/key/big', { body: new Uint8Array(262_145) })).status).toBe(413);
    expect((await call('POST', 'resource-policy', { body: new Uint8Array(262_145) })).status).toBe(413);
    // KBS protocol: VERSION_REQ "=0.1.1" (attestation/backend.rs:27-41).
    const auth = await call('POST', 'auth', { body: JSON.stringify({ version: '0.1.0', tee: 'sample', 'extra-params': '' }) });
    expect(auth.detail).toContain('KBS Client Protocol Version Mismatch: expect =0.1.1 while the request is 0.1.0');
    expect((await call('POST', 'auth', { body: JSON.stringify({ version: '0.1.1', tee: 'sample', 'extra-params': '' }) })).detail).toContain('cannot verify TEE evidence');
  } finally {
    await double.stop();
  }
  // A persona is a later generation's notion: trustee v0.11.0 takes one auth_public_key.
  await expect(doubleOf('v0.12.0', { personas: [{ id: 'ops', publicKey: generateKeyPairSync('ed25519').publicKey }] })).rejects.toThrow(/takes one admin key/);
});

test('trustee v0.13.0+ (CoCo v0.14.0) reads 2 MiB bodies; v0.15.0+ (CoCo v0.16.0) authenticates attestation-policy', async () => {
  const { double, call } = await doubleOf('v0.16.0');
  try {
    expect((await call('POST', 'resource/default/key/large', { token: await joseToken({ exp: 60 }), body: new Uint8Array(300_000) })).status).toBe(200);
    expect((await call('POST', 'resource/default/key/huge', { body: new Uint8Array(2_097_153) })).status).toBe(413);
    const open = await call('POST', 'attestation-policy', { body: JSON.stringify({ policy_id: 'open', policy: b64url('package x\n') }) });
    expect([open.status, open.type]).toEqual([401, 'AdminAuth']);
  } finally {
    await double.stop();
  }
});

test('personas with jwt-simple (trustee v0.16.0, CoCo v0.17.0): any persona\'s key, one refusal text', async () => {
  const ops = generateKeyPairSync('ed25519');
  const { double, call } = await doubleOf('v0.17.0', { personas: [{ id: 'ops', publicKey: ops.publicKey }] });
  try {
    expect((await call('POST', 'resource/default/key/ops', { token: await joseToken({}, ops.privateKey), body: 'x' })).status).toBe(200);
    const stranger = await call('POST', 'resource/default/key/s', { token: await joseToken({ exp: 60 }, generateKeyPairSync('ed25519').privateKey), body: 'x' });
    expect(stranger.detail).toMatch(/^Admin auth error: Admin Token could not be verified for any admin persona/);
    expect((await call('POST', 'resource/default/key/s', { body: 'x' })).detail).toMatch(/^Admin auth error: Failed to parse HTTP Auth Bearer header/);
  } finally {
    await double.stop();
  }
  await expect(doubleOf('v0.17.0', { roles: [{ id: 'admin', allowedEndpoints: '^/kbs/v0/resource/.*$' }] })).rejects.toThrow(/has no admin roles/);
});

test('jsonwebtoken era (trustee v0.20.0, CoCo v0.21.0): exp required, 60 s leeway, nbf unchecked — as trustee v0.20.0 answered', async () => {
  const { double, call } = await doubleOf('v0.21.0');
  const post = async (token: string) => call('POST', 'resource/default/key/jwt', { token, body: 'x' });
  try {
    const noExp = await post(await joseToken({ iat: 0 }));
    expect([noExp.status, noExp.type, noExp.detail]).toEqual([401, 'AdminAuth', expect.stringMatching(/^Admin auth error: Admin Token could not be verified for any admin persona/)]);
    expect((await post(await joseToken({ exp: -30 }))).status).toBe(200);
    expect((await post(await joseToken({ exp: -120 }))).status).toBe(401);
    expect((await post(await joseToken({ exp: 60, nbf: 3600 }))).status).toBe(200);
    expect((await post(await joseToken({ exp: 60, aud: 'kbs' }))).status).toBe(401);
    // Every failure is the persona text, a missing header too (admin/mod.rs:104-108).
    expect((await call('POST', 'resource/default/key/jwt', { body: 'x' })).detail).toMatch(/^Admin auth error: Admin Token could not be verified/);
    // resource-policy: ParsePolicyError, whatever the Content-Type; an invalid rego is stored unchecked.
    const notJson = await call('POST', 'resource-policy', { token: await joseToken({ exp: 60 }), body: 'not json' });
    expect([notJson.status, notJson.type, notJson.detail]).toEqual([401, 'ParsePolicyError', expect.stringMatching(/^Failed to parse policy: Illegal SetPolicy Request Json/)]);
    const badB64 = await call('POST', 'resource-policy', { token: await joseToken({ exp: 60 }), body: '{"policy":"a+b/"}', contentType: 'text/plain' });
    expect(badB64.detail).toMatch(/^Failed to parse policy: Failed to decode policy: /);
    expect((await call('POST', 'resource-policy', { token: await joseToken({ exp: 60 }), body: JSON.stringify({ policy: b64url('package policy\nallow if {') }) })).status).toBe(200);
    // A bad attestation policy id: AttestationError "Set Attestation Policy failed".
    const badId = await call('POST', 'attestation-policy', { token: await joseToken({ exp: 60 }), body: JSON.stringify({ policy_id: 'a/b', policy: b64url('package x\n') }) });
    expect([badId.status, badId.type, badId.detail]).toEqual([401, 'AttestationError', expect.stringMatching(/^Attestation error: Set Attestation Policy failed/)]);
    // 2 MiB on every route: 300,000 bytes stored, 3 MiB refused.
    expect((await call('POST', 'resource/default/key/300k', { token: await joseToken({ exp: 60 }), body: new Uint8Array(300_000) })).status).toBe(200);
    expect((await call('POST', 'resource/default/key/3m', { token: await joseToken({ exp: 60 }), body: new Uint8Array(3 * 1024 * 1024) })).status).toBe(413);
    // GET without an attestation token → TokenNotFound; with the admin token as bearer → TokenVerifierError.
    expect((await call('GET', 'resource/default/key/300k')).type).toBe('TokenNotFound');
    expect((await call('GET', 'resource/default/key/300k', { token: await joseToken({ exp: 60 }) })).type).toBe('TokenVerifierError');
    // KBS protocol 0.4.0.
    expect((await call('POST', 'auth', { body: JSON.stringify({ version: '0.1.0', tee: 'sample', 'extra-params': '' }) })).detail)
      .toContain('expect =0.4.0 while the request is 0.1.0');
  } finally {
    await double.stop();
  }
});

test('resource DELETE where the profile says (trustee v0.20.0): admin-only, 200, a missing one 401 PluginInternalError; v0.20.0 has none', async () => {
  const { double, admin, call } = await doubleOf('v0.21.0');
  try {
    await admin.setResource('default/key/deleted', 'value-to-delete');
    expect((await call('DELETE', 'resource/default/key/deleted')).status).toBe(401);
    expect(double.inspect().resources).toContain('default/key/deleted');
    await admin.deleteResource('default/key/deleted');
    expect(double.inspect().resources).not.toContain('default/key/deleted');
    await expect(admin.deleteResource('default/key/deleted')).rejects.toThrow(
      /failed to delete KBS resource default\/key\/deleted: HTTP 401 from DELETE \/kbs\/v0\/resource\/default\/key\/deleted: .*PluginInternalError.*Plugin internal error/);
  } finally {
    await double.stop();
  }
  const previous = await doubleOf('v0.20.0');
  try {
    expect((await previous.call('DELETE', 'resource/default/key/x', { token: await joseToken({ exp: 60 }) })).status).toBe(405);
    await expect(previous.admin.deleteResource('default/key/x')).rejects.toThrow(/HTTP 405/);
  } finally {
    await previous.double.stop();
  }
  // e890fc9 routes GET and POST only for a resource.
  expect((await fetch(`${kbs.url}${apiPrefix}/resource/default/key/x`, { method: 'DELETE', headers: { authorization: `Bearer ${validToken()}` } })).status).toBe(405);
});

test('admin roles (trustee v0.18.0+): with roles configured a persona reaches only the URIs its role allows', async () => {
  const { double, call } = await doubleOf('v0.21.0', { roles: [{ id: 'admin', allowedEndpoints: '^/kbs/v0/resource/.*$' }] });
  try {
    expect((await call('POST', 'resource/default/key/role', { token: await joseToken({ exp: 60 }), body: 'x' })).status).toBe(200);
    const policy = await call('POST', 'resource-policy', { token: await joseToken({ exp: 60 }), body: JSON.stringify({ policy: b64url('package policy\n') }) });
    expect([policy.status, policy.detail]).toEqual([401, expect.stringMatching(/^Admin auth error: Admin Token could not be verified/)]);
  } finally {
    await double.stop();
  }
  await expect(doubleOf('v0.21.0', { roles: [{ id: 'admin', allowedEndpoints: 'resource' }] })).rejects.toThrow(/UnanchoredRegex/);
});

test('a token or a policy body that is not a JSON object (a list, null, a number) is refused, by both verifiers and both policy routes', async () => {
  // jose's CompactSign signs raw bytes, so unlike SignJWT it makes claims that are not an object.
  const signedClaims = (claims: string) => new CompactSign(new TextEncoder().encode(claims)).setProtectedHeader(KBS_CLIENT_HEADER).sign(privateKey);
  const publicKey = createPublicKey(privateKey);
  const refusal = { 'jwt-simple': 'JWT claims are not a JSON object', jsonwebtoken: 'Json (claims are not a JSON object)' } as const;
  for (const verifier of ['jwt-simple', 'jsonwebtoken'] as const) {
    for (const claims of ['[]', `[{"exp": ${now() + 60}}]`, 'null', '7']) {
      expect(verifyAdminToken(await signedClaims(claims), publicKey, { verifier }), `${verifier} ${claims}`).toEqual({ valid: false, reason: refusal[verifier] });
    }
    expect(verifyAdminToken(await signedClaims(`{"exp": ${now() + 60}}`), publicKey, { verifier }).valid, verifier).toBe(true);
    // A header of null is refused before the signature is looked at.
    expect(verifyAdminToken(`${b64url('null')}.${b64url('{}')}.${b64url('x')}`, publicKey, { verifier }).valid, verifier).toBe(false);
  }
  // resource-policy: a body that is valid JSON but not an object has no policy, whichever generation answers.
  for (const body of ['null', '[]', '["policy"]']) {
    const perRoute = await postRaw('resource-policy', body, { token: validToken(), contentType: 'application/json' });
    expect([perRoute.status, perRoute.text], body).toEqual([401, expect.stringContaining('Get policy from request failed')]);
  }
  const { double, call } = await doubleOf('v0.21.0');
  try {
    for (const body of ['null', '[]', '["policy"]']) {
      const apiServer = await call('POST', 'resource-policy', { token: await joseToken({ exp: 60 }), body });
      expect([apiServer.status, apiServer.detail], body).toEqual([401, expect.stringMatching(/^Failed to parse policy: No `policy` field inside SetPolicy Request Json/)]);
    }
  } finally {
    await double.stop();
  }
});

test('records name the double\'s trustee ref, generation and known gaps', () => {
  const v0210 = kbsDoubleDescription(loadRelease('v0.21.0').kbs);
  expect(v0210).toContain('trustee d4e317620c4039c89779b725f74974d8f005da66');
  expect(v0210).toMatch(/jsonwebtoken \(exp required, 60 s leeway, nbf unchecked\), admin roles, .*resource DELETE/);
  expect(v0210).toContain('Known gaps: no attestation');
  expect(kbsDoubleDescription(loadRelease('v0.13.0').kbs)).toMatch(/attestation-policy unauthenticated.*Known gaps: .*without compiling it/);
  expect(kbsDoubleDescription(loadRelease('v0.9.0').kbs)).toMatch(/per-route-handlers, auth_public_key, jwt-simple \(no claim required, 900 s tolerance\)/);
});

test('the resource policy the harness stores is what that trustee would evaluate: opa on its data shape, per generation', async () => {
  test.setTimeout(20 * 60_000);
  const opa = await ensureCachedGoTool('opa');
  const dir = `${scratch()}/rego`;
  await runCommand(['mkdir', '-p', dir]);
  // One release of each resource-input shape and Rego dialect: e890fc9's bare path, "resource/" from trustee v0.11.0,
  // the structured {"plugin","resource-path","query"} from v0.17.0 (v1 Rego), and v0.20.0.
  for (const release of ['v0.9.0', 'v0.12.0', 'v0.18.0', 'v0.21.0']) {
    const { profile, double, admin } = await doubleOf(release);
    try {
      const { suiteResourcePolicy, attesterInput, regoDialect } = profile.kbs.policies;
      await admin.setResourcePolicy(suiteResourcePolicy.nonTee.replaceAll('${WITHHELD}', 'withheld'));
      const allows = async (resourcePath: string) => {
        const { rego, data } = double.resourcePolicyEvaluation(resourcePath);
        writeFileSync(`${dir}/policy.rego`, rego!);
        writeFileSync(`${dir}/data.json`, JSON.stringify(data));
        writeFileSync(`${dir}/input.json`, JSON.stringify(attesterInput.sample));
        const result = await runCommand([opa, 'eval', ...(regoDialect === 'v0' ? ['--v0-compatible'] : []), '--format', 'raw',
          '-d', `${dir}/policy.rego`, '-d', `${dir}/data.json`, '-i', `${dir}/input.json`, 'data.policy.allow'], { nothrow: true });
        expect(result.exitCode, `${release}: ${result.stderr.slice(0, 300)}`).toBe(0);
        return result.stdout.trim();
      };
      expect(await allows('default/aa/key-1a2b'), release).toBe('true');
      expect(await allows('default/aa/key-withheld-1a2b'), release).toBe('false');
    } finally {
      await double.stop();
    }
  }
});
