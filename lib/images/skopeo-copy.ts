import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../exec/run-command.ts';
import { writeRegistryAuthFile, type RegistryCredentials } from '../registry/index.ts';

/** A registry login for one side of a copy: host:port and its credentials. */
export interface RegistryLogin {
  registry: string;
  credentials: RegistryCredentials;
}

export interface SkopeoCopyOptions {
  skopeo: string;
  /** a transport reference (oci-archive:/x.tar, oci:/dir:tag, docker://…) or a bare registry reference */
  source: string;
  destination: string;
  sourceLogin?: RegistryLogin;
  destinationLogin?: RegistryLogin;
  /** Our registries speak plain http, so TLS verification is off unless asked for. */
  tlsVerify?: boolean;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export interface CopiedImage {
  destination: string;
  /** digest of the manifest written to the destination */
  digest: string;
}

const TRANSPORTS = ['docker', 'oci', 'oci-archive', 'dir', 'docker-archive', 'containers-storage', 'docker-daemon'];

/** `docker://` prefixed unless the reference already names a skopeo transport. */
export function transportReference(reference: string): string {
  const transport = reference.split(':', 1)[0] ?? '';
  return TRANSPORTS.includes(transport) && reference.length > transport.length ? reference : `docker://${reference}`;
}

/** skopeo copy with registry logins in temporary auth files (never on the command line) and no dependence on the
 *  machine's signature policy. */
export async function skopeoCopy(options: SkopeoCopyOptions): Promise<CopiedImage> {
  const work = mkdtempSync(join(tmpdir(), 'coco-skopeo-'));
  try {
    const tls = String(options.tlsVerify ?? false);
    const digestFile = join(work, 'digest');
    const argv = [options.skopeo, '--insecure-policy', 'copy', '--retry-times', '2', '--digestfile', digestFile,
      `--src-tls-verify=${tls}`, `--dest-tls-verify=${tls}`];
    if (options.sourceLogin) argv.push('--src-authfile', authFile(work, 'src', options.sourceLogin));
    if (options.destinationLogin) argv.push('--dest-authfile', authFile(work, 'dest', options.destinationLogin));
    argv.push(...(options.extraArgs ?? []), transportReference(options.source), transportReference(options.destination));
    await runCommand(argv, { env: options.env, timeoutMs: 10 * 60_000 });
    return { destination: options.destination, digest: readFileSync(digestFile, 'utf8').trim() };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function authFile(work: string, side: string, login: RegistryLogin): string {
  const directory = mkdtempSync(join(work, `${side}-`));
  return writeRegistryAuthFile(directory, login.registry, login.credentials);
}
