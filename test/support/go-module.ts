import { tmpdir } from 'node:os';
import { runCommand } from '../../lib/exec/run-command.ts';

/** The source folder of Go module `module` (path@version) in the Go module cache, fetched through the Go module proxy
 *  when it is not there yet: `go mod download -json`, run outside any module. */
export async function goModuleDir(module: string): Promise<string> {
  const download = await runCommand(['go', 'mod', 'download', '-json', module], { cwd: tmpdir(), timeoutMs: 10 * 60_000 });
  return (JSON.parse(download.stdout) as { Dir: string }).Dir;
}
