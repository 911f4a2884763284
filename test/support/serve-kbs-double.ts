import { spawn } from 'node:child_process';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

export interface ServedKbsDouble {
  /** What the script printed for the suites: COCO_RELEASE, COCO_KBS_URL, COCO_KBS_ADMIN_KEY, COCO_KBS_DOUBLE. */
  env: Record<string, string>;
  /** SIGTERM, as Ctrl-C ends it; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** harness/platforms/serve-kbs-double.ts as the README's developer path starts it: a process of its own, its
 *  `export NAME=value` lines read back as a shell's `.` would read them. */
export async function serveKbsDouble(release: string): Promise<ServedKbsDouble> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'harness/platforms/serve-kbs-double.ts', '--release', release],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('# serving until Ctrl-C')) resolve();
    });
    void exited.then((code) => reject(new Error(`serve-kbs-double exited ${code}: ${stderr}`)));
  });
  const env = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(?:'((?:[^']|'\\'')*)'|(\S+))$/gm)]
    .map((m) => [m[1]!, (m[2] ?? m[3]!).replace(/'\\''/g, "'")]));
  return {
    env,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
