import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerSecret } from '../exec/redact.ts';

/** A registry login. The password and its base64 `user:pass` form are registered as secrets on creation, so
 *  they are redacted wherever text leaves the harness. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export function generateRegistryCredentials(username = `coco-${randomBytes(3).toString('hex')}`): RegistryCredentials {
  const credentials = { username, password: randomBytes(18).toString('base64url') };
  registerRegistryCredentials(credentials);
  return credentials;
}

/** Registers credentials made elsewhere (e.g. read from a credentials file) as secrets. */
export function registerRegistryCredentials(credentials: RegistryCredentials): void {
  registerSecret(credentials.password, 'registry-password');
  registerSecret(basicAuth(credentials), 'registry-password (base64 user:pass)');
  registerSecret(Buffer.from(credentials.password).toString('base64'), 'registry-password (base64)');
}

/** base64 of `user:pass`, the `auth` field of a docker config and the HTTP Basic credential. */
export function basicAuth(credentials: RegistryCredentials): string {
  return Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
}

/** The `.dockerconfigjson` of a kubernetes.io/dockerconfigjson Secret (an imagePullSecret), as
 *  `kubectl create secret docker-registry` writes it. `registry` is host:port. */
export function dockerConfigJson(registry: string, credentials: RegistryCredentials): string {
  const entry = { username: credentials.username, password: credentials.password, auth: basicAuth(credentials) };
  return JSON.stringify({ auths: { [registry]: entry } });
}

/** The KBS resource guest-components reads for `agent.image_registry_auth=kbs:///default/credentials/<tag>`:
 *  `{"auths":{"<registry/repository>":{"auth":"<base64 user:pass>"}}}` (kata 3.7.0
 *  k8s-guest-pull-image-authenticated.bats). */
export function kbsCredentialsResource(registryRepository: string, credentials: RegistryCredentials): string {
  return JSON.stringify({ auths: { [registryRepository]: { auth: basicAuth(credentials) } } });
}

/** Writes a docker config JSON (mode 0600) for skopeo's --authfile / --dest-authfile, so passwords never appear
 *  on a command line. Returns its path. */
export function writeRegistryAuthFile(directory: string, registry: string, credentials: RegistryCredentials): string {
  const file = join(directory, 'registry-auth.json');
  writeFileSync(file, JSON.stringify({ auths: { [registry]: { auth: basicAuth(credentials) } } }), { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
