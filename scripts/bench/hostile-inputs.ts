// What the worst inputs cost the YAML loader, at and past its limits: time to the verdict and peak memory, each in
// a fresh process so one case's heap does not count for the next. Run: npx tsx scripts/bench/hostile-inputs.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../matrix/input-error.ts';
import { YAML_LIMITS } from '../../matrix/yaml-limits.ts';
import { YamlSource } from '../../matrix/yaml-source.ts';

const LIMIT = YAML_LIMITS.maxBytes;

/** Each case: the bytes of a file. The sizes sit just under the limit, where the parser's cost is largest. */
const CASES: Record<string, () => Buffer | string> = {
  'flow list of 130,000 items (limit)': () => `[${'1,'.repeat(LIMIT / 2 - 2)}1]`,
  'block list of 65,000 items (limit)': () => '- 1\n'.repeat(LIMIT / 4),
  'map of 23,000 keys (limit)': () => Array.from({ length: Math.floor(LIMIT / 11) }, (_, i) => `k${String(i).padStart(6, '0')}: v`).join('\n'),
  'alias bomb (9^9 strings expanded)': () => ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)].join('\n'),
  '[ nested 250,000 deep (limit)': () => '['.repeat(LIMIT - 1),
  '- nested 130,000 deep (limit)': () => '- '.repeat(LIMIT / 2 - 1),
  'binary (every byte value)': () => Buffer.from(Array.from({ length: LIMIT - 1 }, (_, i) => i % 256)),
  '50 MB file': () => Buffer.alloc(50 * 1024 * 1024, '- lol\n'),
};

/** In the child: loads the file and prints the figures. */
function measureOne(name: string, file: string): void {
  const started = performance.now();
  let verdict: string;
  try {
    YamlSource.read(file);
    verdict = 'loaded';
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    verdict = error.message.replace(file, 'case.yaml');
  }
  const ms = performance.now() - started;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`${name.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ${peakMb.toFixed(0).padStart(5)} MB peak  ${verdict.slice(0, 90)}`);
}

const [, , childCase, childFile] = process.argv;
if (childCase && childFile) {
  measureOne(childCase, childFile);
} else {
  console.log(`YAML loader on hostile files (limit ${LIMIT} bytes); the peak includes Node and tsx themselves, about 80 MB`);
  const self = fileURLToPath(import.meta.url);
  const folder = mkdtempSync(path.join(tmpdir(), 'coco-bench-hostile-'));
  try {
    for (const [name, make] of Object.entries(CASES)) {
      const file = path.join(folder, 'case.yaml');
      writeFileSync(file, make());
      const run = spawnSync(process.execPath, ['--import', 'tsx', self, name, file], { stdio: 'inherit' });
      if (run.status !== 0) process.exitCode = 1;
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
