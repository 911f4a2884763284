import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCommand } from '../exec/run-command.ts';
import type { RegistryCredentials } from './registry-credentials.ts';

/** Files that make one docker-registry (github.com/docker/distribution 2.8, Debian's /usr/bin/docker-registry)
 *  instance: a bcrypt htpasswd file (distribution accepts bcrypt only), storage, and a config listening on plain
 *  http. Kept apart from starting it so that a pipeline can run the same files as a daemon of its own. */
export interface RegistryFiles {
  configFile: string;
  /** absent for an open registry */
  htpasswdFile?: string;
  storageDirectory: string;
  /** host:port the registry listens on and is reached at */
  address: string;
  /** the command that serves it */
  argv: string[];
}

export interface RegistryFilesOptions {
  directory: string;
  host: string;
  port: number;
  /** absent: an open registry (no auth), for images any pod may pull */
  credentials?: RegistryCredentials;
  /** docker-registry binary; Debian's by default */
  binary?: string;
}

export async function writeRegistryFiles(options: RegistryFilesOptions): Promise<RegistryFiles> {
  mkdirSync(options.directory, { recursive: true });
  const htpasswdFile = options.credentials ? join(options.directory, 'htpasswd') : undefined;
  const storageDirectory = join(options.directory, 'storage');
  const configFile = join(options.directory, 'config.yml');
  const address = hostPort(options.host, options.port);
  if (options.credentials && htpasswdFile) {
    // -i reads the password from stdin, so it never shows in a process list; -B is bcrypt; -n prints the line.
    const line = await runCommand(['htpasswd', '-niB', options.credentials.username], { input: options.credentials.password });
    writeFileSync(htpasswdFile, line.stdout.trim() + '\n', { mode: 0o600 });
  }
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storageDirectory }, delete: { enabled: true } },
    // A fixed secret keeps the registry from warning about a random one; it signs upload state only.
    http: { addr: address, secret: randomBytes(16).toString('hex') },
    ...(htpasswdFile ? { auth: { htpasswd: { realm: 'coco-conformance', path: htpasswdFile } } } : {}),
  };
  writeFileSync(configFile, stringify(config));
  return {
    configFile,
    htpasswdFile,
    storageDirectory,
    address,
    argv: [options.binary ?? 'docker-registry', 'serve', configFile],
  };
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
