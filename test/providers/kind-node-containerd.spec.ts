import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../lib/exec/run-command.ts';
import { bundleVersions } from '../support/bundle-versions.ts';
import { goModuleDir } from '../support/go-module.ts';
import { parseTomlWithTomllib } from '../support/tomllib.ts';
import { freshFolder, scratchDirectory } from '../lib/scratch-directory.ts';
import { SOURCE_ROOT } from '../../matrix/source-root.ts';

/** scripts/setup/kind-node-containerd.ts, as build-kind-node.sh runs it (tsx, files in and out), on kind's own
 *  node config from the kind module the script builds with; every result read back by tomllib. */
const SCRIPT = 'scripts/setup/kind-node-containerd.ts';
const scratch = scratchDirectory('kind-node');

async function edit(...args: string[]) {
  return runCommand(['npx', '--no-install', 'tsx', SCRIPT, ...args], { cwd: SOURCE_ROOT, nothrow: true, timeoutMs: 60_000 });
}

test('kind\'s node config gets the bundle\'s pause image as its CRI sandbox image, everything else as kind wrote it', async () => {
  const kindConfig = join(await goModuleDir(`sigs.k8s.io/kind@${bundleVersions().KIND_VERSION}`), 'images/base/files/etc/containerd/config.toml');
  const out = scratch('config.toml');
  const result = await edit('node-config', kindConfig, 'coco-bundle.local/pause:3.10.1', out);
  expect(result.exitCode, result.stderr).toBe(0);
  const written = readFileSync(out, 'utf8');
  const expected = await parseTomlWithTomllib(readFileSync(kindConfig, 'utf8'));
  expect(expected.plugins['io.containerd.grpc.v1.cri'].sandbox_image).toMatch(/pause/);
  expected.plugins['io.containerd.grpc.v1.cri'].sandbox_image = 'coco-bundle.local/pause:3.10.1';
  expect(await parseTomlWithTomllib(written)).toEqual(expected);
  // kind's entrypoint still finds the lines it edits with sed at node start (images/base/files/usr/local/bin/entrypoint
  // at v0.33.0: :136 restrict_oom_score_adj for rootless, :142 the snapshotter).
  expect(written).toMatch(/^restrict_oom_score_adj = false$/m);
  expect(written).toMatch(/^snapshotter = "overlayfs"$/m);
});

test('a kind config without the CRI sandbox image stops the build in one line', async () => {
  const dir = freshFolder(scratch);
  writeFileSync(join(dir, 'config.toml'), 'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\nsnapshotter = "overlayfs"\n');
  const result = await edit('node-config', join(dir, 'config.toml'), 'coco-bundle.local/pause:3.10.1', join(dir, 'out.toml'));
  expect(result.exitCode).toBe(1);
  expect(result.stderr.trim()).toBe('kind-node-containerd: kind\'s containerd config has no plugins."io.containerd.grpc.v1.cri".sandbox_image');
});

test('the image-import containerd config holds its paths as given, whatever they contain, with every CRI plugin off', async () => {
  const dir = freshFolder(scratch);
  const root = join(dir, 'a "quoted" \\ path', 'root');
  const result = await edit('import-config', root, join(dir, 'state'), join(dir, 'containerd.sock'), join(dir, 'import.toml'));
  expect(result.exitCode, result.stderr).toBe(0);
  expect(await parseTomlWithTomllib(readFileSync(join(dir, 'import.toml'), 'utf8'))).toEqual({
    version: 3, root, state: join(dir, 'state'),
    disabled_plugins: ['io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime', 'io.containerd.cri.v1.images'],
    grpc: { address: join(dir, 'containerd.sock') },
  });
});
