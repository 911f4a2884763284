import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type RunResult } from '../exec/run-command.ts';
import { redact } from '../exec/redact.ts';
import { generateRegistryCredentials, type RegistryCredentials } from './registry-credentials.ts';
import { writeRegistryFiles, type RegistryFiles } from './registry-config.ts';

export interface LocalRegistryOptions {
  /** Address to listen on: 127.0.0.1, or the node IP when a cluster must pull from it. */
  host?: string;
  /** 0 or absent: a free port. */
  port?: number;
  credentials?: RegistryCredentials;
  /** An open registry: no authentication at all (credentials are ignored). */
  open?: boolean;
  /** Where config and storage live; a fresh temporary directory (removed on stop) when absent. */
  directory?: string;
  readyTimeoutMs?: number;
  binary?: string;
}

/** An authenticated (htpasswd) OCI registry on this machine: Debian's docker-registry as a child process of the
 *  harness, plain http. Life cycle as types: LocalRegistry → start() → StartedLocalRegistry → stop(). */
export class LocalRegistry {
  constructor(private readonly options: LocalRegistryOptions = {}) {}

  async start(): Promise<StartedLocalRegistry> {
    const host = this.options.host ?? '127.0.0.1';
    const port = this.options.port || (await freePort(host));
    const ownsDirectory = !this.options.directory;
    const directory = this.options.directory ?? mkdtempSync(join(tmpdir(), 'coco-registry-'));
    const credentials = this.options.open ? undefined : (this.options.credentials ?? generateRegistryCredentials());
    const files = await writeRegistryFiles({ directory, host, port, credentials, binary: this.options.binary });
    const abort = new AbortController();
    const exited = runCommand(files.argv, { signal: abort.signal, nothrow: true });
    const started = new StartedLocalRegistry(files, credentials, abort, exited, ownsDirectory ? directory : undefined);
    try {
      await waitForRegistry(files.address, credentials ? 401 : 200, exited, this.options.readyTimeoutMs ?? 15_000);
    } catch (error) {
      await started.stop();
      throw error;
    }
    return started;
  }
}

export class StartedLocalRegistry {
  private stopped = false;

  constructor(
    readonly files: RegistryFiles,
    /** absent for an open registry */
    readonly credentials: RegistryCredentials | undefined,
    private readonly abort: AbortController,
    private readonly exited: Promise<RunResult>,
    private readonly temporaryDirectory: string | undefined,
  ) {}

  /** host:port, as image references name it (`<address>/<repository>:<tag>`). */
  get address(): string {
    return this.files.address;
  }

  get url(): string {
    return `http://${this.files.address}`;
  }

  /** Stops the registry (SIGTERM) and waits for it to exit; removes its temporary directory. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    await this.exited;
    if (this.temporaryDirectory) rmSync(this.temporaryDirectory, { recursive: true, force: true });
  }
}

/** Ready means the registry answers /v2/ as configured: 401 when it enforces authentication, 200 when open. */
async function waitForRegistry(address: string, expectedStatus: number, exited: Promise<RunResult>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exit: RunResult | undefined;
  void exited.then((result) => (exit = result));
  let backoffMs = 25;
  let lastState = 'no answer yet';
  while (Date.now() < deadline) {
    if (exit) {
      const tail = redact(exit.stderr).trim().split('\n').slice(-5).join('\n');
      throw new Error(`failed to start registry at ${address}: docker-registry exited with ${exit.exitCode}\n${tail}`);
    }
    try {
      const response = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === expectedStatus) return;
      lastState = `HTTP ${response.status}`;
    } catch (error) {
      lastState = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 500);
  }
  throw new Error(`failed to start registry at ${address}: /v2/ did not answer ${expectedStatus} within ${timeoutMs}ms (last: ${lastState})`);
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('failed to find a free port'))));
    });
  });
}
